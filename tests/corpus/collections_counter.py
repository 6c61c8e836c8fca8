# collections: Counter arithmetic and most_common, deque operations and maxlen windows.
from collections import Counter, deque

text = "the quick brown fox jumps over the lazy dog the end"
words = Counter(text.split())
letters = Counter(c for c in text if c.isalpha())
print(words)
print(words.most_common(3), letters.most_common(5), sorted(letters.elements())[:12])
print(words["the"], words["missing"], len(letters), letters.total(), sum(letters.values()))
a = Counter(a=3, b=1, c=0, d=-2)
b = Counter(a=1, b=2, e=5)
print(a + b, a - b, a & b, a | b, +a, -a)
c = a.copy()
c.update(b)
print(c)
c.subtract({"a": 10, "z": 1})
print(c, sorted(c.items()))
print(Counter("abracadabra").most_common(), Counter("abracadabra") == Counter("aaaaabbrrcd"))
print(Counter([1, 2, 2, 3, 3, 3]) <= Counter([1, 2, 2, 3, 3, 3, 4]), Counter("ab") < Counter("abb"), Counter("ab") >= Counter("b"))
inv = Counter({"apple": 3, "pear": 0, "fig": 7})
del inv["pear"]
print(inv, list(inv.elements()), dict(inv.most_common()), Counter(dict.fromkeys("xyz", 2)))

d = deque([1, 2, 3])
d.append(4); d.appendleft(0); d.extend([5, 6]); d.extendleft([-1, -2])
print(d, len(d), d[0], d[-1], d.index(3), d.count(2))
d.rotate(3)
print(d)
d.rotate(-5)
print(d)
print(d.pop(), d.popleft(), d)
d.remove(3); d.insert(2, 99); d.reverse()
print(d, list(reversed(d)), 99 in d, d * 2, d + deque([7]))
window = deque(maxlen=3)
for i in range(7):
    window.append(i)
    print(i, list(window), sum(window) / len(window))
print(window.maxlen, deque("abc", maxlen=2), deque(range(10), 4))

def moving_max(seq, k):
    q, out = deque(), []
    for i, x in enumerate(seq):
        while q and seq[q[-1]] <= x:
            q.pop()
        q.append(i)
        if q[0] <= i - k:
            q.popleft()
        if i >= k - 1:
            out.append(seq[q[0]])
    return out

print(moving_max([1, 3, -1, -3, 5, 3, 6, 7], 3), moving_max(list(range(10, 0, -1)), 4))

def bfs(graph, start):
    seen, order, q = {start}, [], deque([start])
    while q:
        node = q.popleft()
        order.append(node)
        for nxt in graph[node]:
            if nxt not in seen:
                seen.add(nxt)
                q.append(nxt)
    return order

g = {"a": ["b", "c"], "b": ["d"], "c": ["d", "e"], "d": ["f"], "e": ["f"], "f": []}
print(bfs(g, "a"), bfs(g, "c"))
try:
    deque().pop()
except IndexError as e:
    print("IndexError:", e)
