# Sorting: list.sort of ints, strings and tuples, with keys and reverse.
# half: train
import random


class Item:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __lt__(self, other):
        return (self.a, self.b) < (other.a, other.b)


def bench():
    rng = random.Random(11)
    ints = [rng.randrange(10**6) for _ in range(15000)]
    strs = ["%x" % i for i in ints[:7500]]
    tuples = [(i % 100, s) for i, s in zip(ints, strs)]
    items = [Item(i % 50, i) for i in ints[:4000]]
    a = sorted(ints)
    b = sorted(strs, key=str.lower, reverse=True)
    c = sorted(tuples)
    d = sorted(items)
    e = sorted(ints[:5000], key=lambda x: (x % 7, -x))
    return a[100], b[100], c[100], d[100].b, e[100]
