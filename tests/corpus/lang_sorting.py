# Sorting: key functions, stability, reverse, multi-key sorts, sorted() on mixed structures,
# min/max with key/default, custom __lt__. Sets of str are sorted by value first: their
# iteration order depends on hash randomization, and a stable key-sort would preserve it.
from operator import itemgetter, attrgetter
from functools import cmp_to_key

nums = [5, -3, 12, 0, -7, 8, 3, -3]
print(sorted(nums), sorted(nums, reverse=True), sorted(nums, key=abs), sorted(nums, key=lambda n: (n % 3, -n)))
words = ["banana", "Apple", "cherry", "apple", "Banana", "date", "Eggplant", "fig"]
print(sorted(words), sorted(words, key=str.lower), sorted(words, key=len), sorted(words, key=lambda w: (-len(w), w)))
print(sorted(words, key=str.casefold, reverse=True), sorted("Mississippi"), "".join(sorted("Mississippi", key=str.lower)))
people = [("ann", 31, "eng"), ("bob", 25, "ops"), ("cy", 31, "eng"), ("dee", 19, "ops"), ("ed", 25, "eng"), ("flo", 31, "ops")]
print(sorted(people, key=itemgetter(1)))
print(sorted(people, key=itemgetter(2, 1)))
print(sorted(people, key=lambda p: (p[2], -p[1], p[0])))
by_age = sorted(people, key=itemgetter(1), reverse=True)
stable = sorted(by_age, key=itemgetter(2))
print([p[0] for p in by_age], [p[0] for p in stable])
class Emp:
    def __init__(self, name, salary): self.name, self.salary = name, salary
    def __repr__(self): return f"{self.name}:{self.salary}"
    def __lt__(self, other): return (self.salary, self.name) < (other.salary, other.name)
emps = [Emp("zed", 50), Emp("amy", 70), Emp("bo", 50), Emp("cat", 60)]
print(sorted(emps), sorted(emps, key=attrgetter("name")), max(emps), min(emps, key=lambda e: len(e.name)))
print(min([], default="empty"), max([3, 1, 2]), max("abc", "abd", key=lambda s: s[-1]), min((3, "c"), (1, "z"), (1, "a")))
print(max({"x": 3, "y": 9, "z": 1}.items(), key=itemgetter(1)), sorted({"b": 2, "a": 1, "c": 0}), sorted({"b": 2, "a": 1}.items(), key=itemgetter(1)))
def natural_key(s):
    import re
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]
files = ["file10.txt", "file2.txt", "File1.txt", "file1b.txt", "file100.txt", "file20.txt"]
print(sorted(files), sorted(files, key=natural_key))
def by_len_then_rev(a, b):
    return (len(a) - len(b)) or ((a < b) - (a > b))
print(sorted(["bb", "a", "ccc", "aa", "b", "c"], key=cmp_to_key(by_len_then_rev)))
lst = [3, 1, 2]
res = lst.sort()
print(res, lst, sorted((3, 1, 2)), sorted("cba"), sorted({3: "x", 1: "y"}), list(reversed(sorted(range(5)))))
tags = {"python", "wasm", "sandbox", "cpython", "eryx", "test"}
print(sorted(tags), sorted(sorted(tags), key=len), sorted(frozenset({"b", "a"})), len(tags))
print(sorted([[2, 1], [1, 2, 3], [1, 2], [], [2]]), sorted([(1, "b"), (1, "a"), (0, "z")]), sorted([True, False, 2, -1, 0.5]))
print(sorted([3.5, float("inf"), -0.0, 0.0, -float("inf"), 1e-300]), sorted(["10", "9", "100"]), sorted(["10", "9", "100"], key=int))
try:
    sorted([1, "a", 2])
except TypeError as e:
    print("TypeError:", e)
grid = [[(r * 7 + c * 3) % 10 for c in range(4)] for r in range(4)]
print(sorted(grid), sorted(grid, key=sum), sorted(map(sorted, grid)), sorted(range(10), key=lambda i: grid[i % 4][i // 4]))
ranked = sorted(enumerate([40, 10, 30, 10, 50]), key=itemgetter(1))
print(ranked, [i for i, _ in ranked], sorted(range(5), key=[40, 10, 30, 10, 50].__getitem__))
import heapq
print(heapq.nsmallest(3, words, key=len), sorted(words, key=len)[:3])
