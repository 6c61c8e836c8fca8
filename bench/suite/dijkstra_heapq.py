# Shortest paths with heapq over a random graph: tuples, dicts, heap operations.
# half: held-out
import heapq
import random


def graph(n, degree, rng):
    return {u: [(rng.randrange(n), rng.randint(1, 20)) for _ in range(degree)] for u in range(n)}


def dijkstra(g, source):
    dist = {source: 0}
    heap = [(0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist.get(u, 1 << 60):
            continue
        for v, w in g[u]:
            nd = d + w
            if nd < dist.get(v, 1 << 60):
                dist[v] = nd
                heapq.heappush(heap, (nd, v))
    return dist


def bench():
    rng = random.Random(5)
    g = graph(3000, 6, rng)
    total = 0
    for s in range(2):
        dist = dijkstra(g, s)
        total += sum(dist.values()) + len(dist)
    return total, heapq.nsmallest(3, (rng.random() for _ in range(10000)))[0] < 0.01
