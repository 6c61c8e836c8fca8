# itertools: product, permutations, combinations (with replacement) and derived counting.
import itertools as it
import math

print(list(it.product("ab", [1, 2, 3])))
print(list(it.product([0, 1], repeat=3)))
print(["".join(p) for p in it.permutations("abc")])
print(list(it.permutations(range(4), 2)))
print(list(it.combinations("abcde", 3)))
print(list(it.combinations_with_replacement("xyz", 2)))
print(list(it.combinations(range(3), 5)), list(it.permutations([], 0)), list(it.product()))
for n in range(1, 7):
    for k in range(0, n + 1):
        assert sum(1 for _ in it.combinations(range(n), k)) == math.comb(n, k)
        assert sum(1 for _ in it.permutations(range(n), k)) == math.perm(n, k)
print("counts match math.comb/math.perm for n<=6")
print(sum(1 for _ in it.combinations_with_replacement(range(5), 3)), math.comb(5 + 3 - 1, 3))

coins = [1, 2, 5, 10]
ways = [c for n in range(1, 5) for c in it.combinations_with_replacement(coins, n) if sum(c) == 12]
print(len(ways), ways)

# magic squares 3x3 via permutations (the centre of a 3x3 magic square is always 5)
squares = []
for q in it.permutations([1, 2, 3, 4, 6, 7, 8, 9]):
    p = q[:4] + (5,) + q[4:]
    rows = [p[0:3], p[3:6], p[6:9]]
    if all(sum(r) == 15 for r in rows) and all(sum(p[i::3]) == 15 for i in range(3)) \
            and p[0] + p[4] + p[8] == 15 and p[2] + p[4] + p[6] == 15:
        squares.append(p)
print(len(squares), squares[0], squares[-1])

# subset sums, powerset
def powerset(s):
    s = list(s)
    return it.chain.from_iterable(it.combinations(s, r) for r in range(len(s) + 1))

ps = list(powerset([3, 5, 8, 13]))
print(len(ps), ps)
print([sub for sub in ps if sum(sub) == 21])

# derangements of 5 counted via permutations
der = [p for p in it.permutations(range(5)) if all(i != v for i, v in enumerate(p))]
print(len(der), der[:4])

# word grid and cartesian product with filtering
grid = [f"{r}{c}" for r, c in it.product("ABC", range(1, 4)) if (ord(r) - 64 + c) % 2 == 0]
print(grid)
# next lexicographic permutation cross-check
def next_perm(seq):
    a = list(seq)
    i = len(a) - 2
    while i >= 0 and a[i] >= a[i + 1]:
        i -= 1
    if i < 0:
        return None
    j = len(a) - 1
    while a[j] <= a[i]:
        j -= 1
    a[i], a[j] = a[j], a[i]
    a[i + 1:] = reversed(a[i + 1:])
    return a

perms = list(it.permutations([1, 2, 3, 4]))
ok = all(next_perm(perms[i]) == list(perms[i + 1]) for i in range(len(perms) - 1))
print(ok, next_perm([4, 3, 2, 1]), next_perm([1, 1, 2]))
