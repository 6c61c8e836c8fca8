# Sets and dict views: union, intersection, difference, membership.
# half: held-out


def bench():
    a = [set(range(i, i + 300, 3)) for i in range(0, 600, 14)]
    total = 0
    for x in a:
        for y in a[:20]:
            total += len(x & y) + len(x | y) - len(x - y) + len(x ^ y)
    d1 = {i: i for i in range(20000)}
    d2 = {i: -i for i in range(10000, 30000)}
    common = d1.keys() & d2.keys()
    frozen = {frozenset((i, i + 1)) for i in range(20000)}
    hits = sum(1 for i in range(40000) if i in d1 and frozenset((i, i + 1)) in frozen)
    return total, len(common), hits
