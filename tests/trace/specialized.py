# Instructions that the interpreter specializes once code is warm, some of
# them into one instruction standing for two (LOAD_FAST__LOAD_FAST,
# COMPARE_OP_INT_JUMP, PRECALL_NO_KW_LEN, BINARY_OP_INPLACE_ADD_UNICODE...),
# here spread over two lines so that each must still give its line event.
class Point:
    def __init__(self, x):
        self.x = x


def body(a, b, items, p):
    c = a
    d = c; e = d
    x = (a <
         b)
    y = (a
         + b)
    if (a <
            b):
        y += 1
    s = "x"
    s += (
        "y")
    n = len(
        items)
    items.append(
        n)
    t = str(
        a)
    f = 0.5
    g = (f
         < 1.5)
    z = p.x; p.x = (
        z + 1)
    first, second = (
        a, b)
    return c + d + e + x + y + n + len(s + t) + g + p.x + first + second


p = Point(0)
items = []
total = 0
for i in range(30):
    total += body(i, i + 1, items, p)
print(total, len(items), p.x)
