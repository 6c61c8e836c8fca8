# Delegation loops (SEND jumps back to itself), send() and throw() through
# them, and a generator resumed many times (its code quickened meanwhile).
def inner():
    total = 0
    while True:
        try:
            got = yield total
        except KeyError:
            got = 100
        if got is None:
            return total
        total += got


def outer():
    result = yield from inner()
    yield result * 2


g = outer()
next(g)
for i in range(12):
    g.send(i)
g.throw(KeyError)
print(g.send(None))
