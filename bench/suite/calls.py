# Function calls: positional, keyword, defaults, *args/**kwargs, closures, methods.
# half: held-out


def positional(a, b, c):
    return a + b - c


def keywords(a, b=2, *, c=3):
    return a * b + c


def star(*args, **kwargs):
    return len(args) + len(kwargs)


def make_adder(n):
    def add(x):
        return x + n
    return add


class Counter:
    def __init__(self):
        self.n = 0

    def bump(self, k=1):
        self.n += k
        return self.n

    @staticmethod
    def twice(x):
        return 2 * x

    @classmethod
    def make(cls):
        return cls()


def bench():
    total = 0
    add5 = make_adder(5)
    counter = Counter.make()
    square = lambda x: x * x
    for i in range(30000):
        total += positional(i, 2, 1)
        total += keywords(i, c=1)
        total += keywords(a=i, b=3)
        total += star(i, i, k=i)
        total += add5(i) + square(i % 10)
        total += counter.bump() + Counter.twice(i)
    return total
