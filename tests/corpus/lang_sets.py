# sets / frozensets: algebra, comparisons, mutation, comprehension, hashing of frozensets as keys.
# String sets are always sorted before printing (their iteration order depends on PYTHONHASHSEED).
def show(s):
    return "{" + ", ".join(map(repr, sorted(s))) + "}"

a = {1, 2, 3, 4, 5}
b = {4, 5, 6, 7}
print(show(a | b), show(a & b), show(a - b), show(b - a), show(a ^ b))
print(show(a.union(b, [10])), show(a.intersection(b, {5})), show(a.difference([1], (2,))), show(a.symmetric_difference(range(3, 9))))
print({1, 2} <= a, {1, 2} < a, a <= a, a < a, a >= {5}, a.issubset(range(10)), a.issuperset([1, 2]), a.isdisjoint({9}), {1} == frozenset({1}))
fruits = {"apple", "banana", "cherry"}
more = frozenset(["cherry", "date", "elderberry"])
print(show(fruits | more), show(fruits & more), show(more - fruits), type(fruits | more).__name__, type(more | fruits).__name__)
s = set()
s.add(3); s.add(1); s.add(3)
s.update([5, 7], {9})
print(show(s), len(s), 3 in s, 4 not in s)
s.discard(100); s.discard(1); s.remove(5)
print(show(s))
try:
    s.remove(42)
except KeyError as e:
    print("KeyError:", e)
s -= {7}; s |= {0, -1}; s &= {0, 3, 9, -1, 8}; s ^= {3, 100}
print(show(s))
popped = {"only"}.pop()
print(popped, set().union(), show(set("mississippi")), show({c.upper() for c in "hello"}), len(set(range(1000)) & set(range(500, 1500))))
fs = frozenset({3, 1, 2})
groups = {fs: "abc", frozenset(): "empty", frozenset({"x", "y"}): "xy"}
print(groups[frozenset([1, 2, 3])], groups[frozenset()], groups[frozenset(["y", "x"])], len(groups), fs == {1, 2, 3})
try:
    fs.add(4)
except AttributeError as e:
    print("AttributeError:", e)
try:
    {[1, 2]}
except TypeError as e:
    print("TypeError:", e)
print(show(frozenset("abc") | {"z"}), frozenset() == set(), sorted(map(sorted, {frozenset({1, 2}), frozenset({2, 1}), frozenset({3})})))
def dedupe(seq):
    seen = set()
    return [x for x in seq if not (x in seen or seen.add(x))]
print(dedupe("abracadabra"), dedupe([3, 1, 3, 2, 1]), list(dict.fromkeys("hello")))
words = "the cat and the hat and the bat sat on the mat".split()
print(len(words), len(set(words)), show(set(words)), show({w for w in words if w.endswith("at")}))
vowels = set("aeiou")
print([w for w in sorted(set(words)) if vowels & set(w) == {"a"}], show(set.intersection(*[set(w) for w in ["cat", "hat", "bat"]])))
graph = {"a": {"b", "c"}, "b": {"d"}, "c": {"d", "e"}, "d": set(), "e": {"a"}}
def reachable(node, seen=None):
    seen = set() if seen is None else seen
    for nxt in sorted(graph[node]):
        if nxt not in seen:
            seen.add(nxt)
            reachable(nxt, seen)
    return seen
print({k: show(reachable(k)) for k in sorted(graph)})
print(show({(1, 2), (2, 1), (1, 2)}), show({0.5, 1.5, -2.0}), show({None} - {None}), show({True, 1, 1.0, 2}))
evens, odds = set(range(0, 20, 2)), set(range(1, 20, 2))
print(evens.isdisjoint(odds), show(evens | odds) == show(range(20)), max(evens), min(odds), sum(evens), sorted(evens, reverse=True)[:3])
