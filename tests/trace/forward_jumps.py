# Forward jumps of every kind, landing on their own line (no line event:
# the tracer puts no trap there), on another line, or from another line
# of a statement that spans several (a line event each time), run often
# enough for the interpreter to specialize the code around them.
def sign(x):
    return -1 if x < 0 else 1 if x > 0 else 0


def first_true(a, b, c):
    return a or b or c


def both(a, b):
    return a and b and (a, b)


def between(lo, x, hi):
    return lo < x < hi


def spread(flag, x):
    y = (x
         if flag else
         -x)
    return y


def one_line_if(x):
    if x: return "yes"
    return "no"


def checked(x):
    assert x is not None, "none"
    for item in (x, x): pass
    return [v for v in (x, -x) if v > 0 or v == 0]


for k in range(-3, 40):
    sign(k % 5 - 2)
    first_true(k % 2, k % 3, k)
    both(k % 2, k % 3)
    between(0, k % 7, 4)
    spread(k % 2 == 0, k)
    one_line_if(k % 3)
    checked(k)
