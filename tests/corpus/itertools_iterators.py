# itertools: infinite iterators, slicing, grouping, accumulation, tee, zip_longest, pairwise.
import itertools as it
import operator

print(list(it.islice(it.count(10, 3), 5)), list(it.islice(it.count(1.5, 0.5), 4)), list(it.islice(it.cycle("abc"), 8)))
print(list(it.repeat("x", 3)), list(map(pow, range(5), it.repeat(2))), list(it.islice("abcdefgh", 1, 7, 2)))
print(list(it.accumulate([1, 2, 3, 4, 5])), list(it.accumulate([1, 2, 3, 4, 5], operator.mul)))
print(list(it.accumulate([3, 1, 4, 1, 5, 9, 2, 6], max)), list(it.accumulate([1, 2, 3], initial=100)))
print(list(it.accumulate(range(6), lambda acc, x: acc * 10 + x)))
print(list(it.chain("ab", [1, 2], (3,))), list(it.chain.from_iterable([[1], [2, 3], []])))
print(list(it.compress("ABCDEF", [1, 0, 1, 0, 1, 1])), list(it.filterfalse(lambda x: x % 3, range(12))))
print(list(it.takewhile(lambda x: x < 5, [1, 4, 6, 4, 1])), list(it.dropwhile(lambda x: x < 5, [1, 4, 6, 4, 1])))
print(list(it.starmap(pow, [(2, 5), (3, 2), (10, 3)])), list(it.starmap(operator.sub, zip([9, 8], [1, 2]))))
print(list(it.zip_longest("abc", [1, 2], fillvalue="-")), list(it.zip_longest(range(2), "xyz", [True])))
print(list(it.pairwise("abcde")), list(it.pairwise([1])), [b - a for a, b in it.pairwise([1, 4, 9, 16, 25])])

data = sorted(["apple", "avocado", "banana", "blueberry", "cherry", "cranberry", "date"], key=lambda s: (s[0], s))
for key, group in it.groupby(data, key=lambda s: s[0]):
    print(key, list(group))
print([(k, len(list(g))) for k, g in it.groupby("aaabccddddde")])
print(["".join(g) for _, g in it.groupby("112233321", key=int)])

def rle(s):
    return "".join(f"{len(list(g))}{k}" for k, g in it.groupby(s))

def look_and_say(n):
    s = "1"
    for _ in range(n):
        yield s
        s = rle(s)

print(rle("WWWWBBBWWCCCCCA"), list(look_and_say(8)))
a, b = it.tee(iter(range(5)), 2)
print(next(a), next(a), list(b), list(a))
x1, x2, x3 = it.tee("xyz", 3)
print(list(zip(x1, x2, x3)))

def chunked(iterable, n):
    itr = iter(iterable)
    while chunk := tuple(it.islice(itr, n)):
        yield chunk

def sliding(iterable, n):
    its = it.tee(iterable, n)
    for i, t in enumerate(its):
        for _ in range(i):
            next(t, None)
    return zip(*its)

print(list(chunked(range(10), 3)), list(chunked("", 2)), list(sliding(range(6), 3)))

def primes():
    composites = {}
    for n in it.count(2):
        if n not in composites:
            yield n
            composites[n * n] = [n]
        else:
            for p in composites.pop(n):
                composites.setdefault(p + n, []).append(p)

print(list(it.islice(primes(), 25)), list(it.islice(primes(), 100, 103)))
fib = lambda: it.accumulate(it.repeat(None), lambda ab, _: (ab[1], ab[0] + ab[1]), initial=(0, 1))
print([a for a, _ in it.islice(fib(), 20)])
print(list(it.islice(zip(it.count(), "hello"), 10)), dict(zip(it.count(1), "abc")), sum(it.islice(it.count(1, 2), 100)))
