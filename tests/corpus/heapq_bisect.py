# heapq (heap ops, nlargest/nsmallest, merge, priority queue) and bisect (search, insort, key=).
import heapq
import bisect

h = []
for x in [5, 3, 8, 1, 9, 2, 7]:
    heapq.heappush(h, x)
    print("push", x, h)
print([heapq.heappop(h) for _ in range(3)], h)
print(heapq.heappushpop(h, 4), heapq.heapreplace(h, 0), h)
data = [15, 2, 44, 8, 23, 4, 16, 42, 1]
heapq.heapify(data)
print(data, data[0], all(data[i] <= data[c] for i in range(len(data)) for c in (2 * i + 1, 2 * i + 2) if c < len(data)))
print(heapq.nlargest(3, [4, 1, 7, 3, 9, 2]), heapq.nsmallest(2, [4, 1, 7, 3, 9, 2]), heapq.nsmallest(10, [3, 1]))
people = [("ann", 31), ("bob", 25), ("cy", 31), ("dee", 19), ("ed", 42)]
print(heapq.nlargest(2, people, key=lambda p: p[1]), heapq.nsmallest(3, people, key=lambda p: (p[1], p[0])))
print(list(heapq.merge([1, 4, 9], [2, 3, 10], [0, 11])), list(heapq.merge("adg", "beh", "cf")))
print(list(heapq.merge([9, 5, 1], [8, 2], reverse=True)), list(heapq.merge(["a", "ccc"], ["bb", "dd"], key=len)))
maxh = []
for x in [3, 1, 4, 1, 5, 9, 2, 6]:
    heapq.heappush(maxh, -x)
print([-heapq.heappop(maxh) for _ in range(len(maxh))])

tasks = []
counter = 0
for prio, name in [(2, "write"), (1, "plan"), (3, "test"), (1, "coffee"), (2, "review")]:
    heapq.heappush(tasks, (prio, counter, name))
    counter += 1
print([heapq.heappop(tasks)[2] for _ in range(len(tasks))])

def dijkstra(graph, src):
    dist, pq = {src: 0}, [(0, src)]
    while pq:
        d, u = heapq.heappop(pq)
        if d > dist.get(u, float("inf")):
            continue
        for v, w in graph.get(u, ()):
            if d + w < dist.get(v, float("inf")):
                dist[v] = d + w
                heapq.heappush(pq, (d + w, v))
    return dict(sorted(dist.items()))

g = {"A": [("B", 4), ("C", 1)], "C": [("B", 2), ("D", 7)], "B": [("D", 1)], "D": [("E", 3)]}
print(dijkstra(g, "A"), dijkstra(g, "C"))
print(list(heapq.merge(*[sorted([i * 7 % 10, i * 3 % 10]) for i in range(4)])))

a = [1, 2, 4, 4, 4, 7, 9]
for x in [0, 4, 5, 9, 10]:
    print(x, bisect.bisect_left(a, x), bisect.bisect_right(a, x), bisect.bisect(a, x, 2, 5))
s = []
for x in [5, 1, 4, 1, 5, 9, 2, 6]:
    bisect.insort(s, x)
print(s)
bisect.insort_left(s, 5); bisect.insort_right(s, 5)
print(s)
def grade(score, breakpoints=(60, 70, 80, 90), grades="FDCBA"):
    return grades[bisect.bisect(breakpoints, score)]
print([grade(sc) for sc in [33, 99, 77, 70, 89, 90, 100, 60]])
records = sorted([("ann", 31), ("bob", 25), ("dee", 19), ("ed", 42)], key=lambda p: p[1])
ages = [p[1] for p in records]
print(records[bisect.bisect_left(ages, 30)], bisect.bisect_left(records, 31, key=lambda p: p[1]), bisect.bisect_right(records, 42, key=lambda p: p[1]))
bisect.insort(records, ("fay", 30), key=lambda p: p[1])
print(records)
def index_of(seq, x):
    i = bisect.bisect_left(seq, x)
    return i if i != len(seq) and seq[i] == x else -1
print([index_of(a, v) for v in (1, 4, 5, 9, 10)])
