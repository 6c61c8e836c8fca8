# Comprehensions (list/dict/set/generator, nested, conditional), walrus operator, and
# unpacking (starred targets, nested, ** merges, extended call syntax).
words = ["apple", "Banana", "cherry", "date", "Elderberry", "fig", "grape"]
print([w.lower() for w in words if len(w) > 4])
print({w[0].lower(): len(w) for w in words})
print(sorted({len(w) for w in words}), sorted({c for w in words for c in w.lower() if c in "aeiou"}))
print([(i, j) for i in range(4) for j in range(i) if (i + j) % 2], [[i * j for j in range(1, 4)] for i in range(1, 4)])
matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]
print([list(row) for row in zip(*matrix)], [x for row in matrix for x in row if x % 3 == 0], sum(x * x for row in matrix for x in row))
print(["even" if n % 2 == 0 else "odd" for n in range(5)], {k: v for k, v in zip("abc", range(3)) if v}, dict.fromkeys("xy", 0))
print([sum(1 for _ in range(n)) for n in range(5)], any(n > 10 for n in range(20)), all(w.isalpha() for w in words), max((len(w), w) for w in words))
x = "outer"
print([x for x in "ab"], x, (lambda: [y for y in range(3)])())
primes = [n for n in range(2, 60) if all(n % d for d in range(2, int(n ** 0.5) + 1))]
print(primes, {p: [m for m in range(p, 30, p)] for p in primes[:3]})

data = [3, 8, 1, 15, 7, 22, 4]
if (n := len(data)) > 5:
    print(f"list too long ({n} elements)")
print([y for v in data if (y := v * 2) > 10], y)
it = iter(["alpha", "beta", "", "gamma"])
lines = []
while (line := next(it, None)) is not None and line:
    lines.append(line.upper())
print(lines, line == "")
stats = [total := 0, *[total := total + v for v in data]]
print(stats, total, (m := max(data)) and m * 2)

first, *middle, last = range(7)
print(first, middle, last)
(a, b), c, *_ = [(1, 2), 3, 4, 5]
print(a, b, c, _)
head, *tail = "hello"
*init, end = [1]
print(head, tail, init, end)
x, y = 1, 2
x, y = y, x + y
print(x, y)
for i, (name, (lo, hi)) in enumerate([("a", (1, 2)), ("b", (3, 4))], start=1):
    print(i, name, lo, hi, hi - lo)
d1, d2 = {"a": 1, "b": 2}, {"b": 3, "c": 4}
print({**d1, **d2}, d1 | d2, {**d2, **d1, "z": 0}, [*"ab", *range(3), *d1], (*d2,), {*"aab"} == {"a", "b"})
def f(pos, /, std, *args, kw, **kwargs):
    return f"pos={pos} std={std} args={args} kw={kw} kwargs={sorted(kwargs.items())}"
print(f(1, 2, 3, 4, kw=5, z=6, y=7))
print(f(*[1, 2], kw=0, **{"q": 9}), f(*range(5), **{"kw": "K"}))
try:
    f(pos=1, std=2, kw=3)
except TypeError as e:
    print("TypeError:", e)
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print("ValueError:", e)
try:
    a, b, c = [1]
except ValueError as e:
    print("ValueError:", e)
print(*[1, 2, 3], sep=" + ", end=" = 6\n")
pairs = {(i, j): i * j for i in range(3) for j in range(3)}
print(sorted(pairs.items())[:4], len(pairs), [k for k, v in pairs.items() if v == 2])
