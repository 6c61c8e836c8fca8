# functools: lru_cache, partial, reduce, cmp_to_key, and a cached recursion.
# half: train
from functools import cmp_to_key, lru_cache, partial, reduce


@lru_cache(maxsize=None)
def paths(r, c):
    return 1 if r == 0 or c == 0 else paths(r - 1, c) + paths(r, c - 1)


@lru_cache(maxsize=256)
def square(x):
    return x * x


def compare(a, b):
    return (a % 10 - b % 10) or (a - b)


def bench():
    paths.cache_clear()
    total = paths(120, 120) % 1000003
    total += sum(square(i % 500) for i in range(80000))
    power = partial(pow, exp=3)
    total += reduce(lambda acc, x: acc + power(x), range(10000), 0)
    ordered = sorted(range(12000), key=cmp_to_key(compare))
    return total, ordered[:5]
