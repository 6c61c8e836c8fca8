# collections: deque, Counter, defaultdict, OrderedDict and namedtuple.
# half: train
from collections import Counter, OrderedDict, defaultdict, deque, namedtuple

Pair = namedtuple("Pair", "key value")


def bench():
    dq = deque(maxlen=1000)
    groups = defaultdict(list)
    lru = OrderedDict()
    words = ["w%d" % (i % 211) for i in range(40000)]
    for i, w in enumerate(words):
        dq.append(i)
        if i % 3 == 0:
            dq.popleft()
        groups[w].append(i)
        lru[w] = i
        lru.move_to_end(w)
        if len(lru) > 100:
            lru.popitem(last=False)
    counts = Counter(words)
    pairs = [Pair(k, v) for k, v in counts.most_common(50)]
    return len(dq), len(groups), list(lru)[:3], pairs[0].value, sum(p.value for p in pairs)
