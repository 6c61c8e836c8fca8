# String building, splitting, formatting and dict counting, timed inside.
import time

start = time.perf_counter()
counts = {}
words = []
for i in range(60000):
    w = "w%d" % (i % 997)
    words.append(w.upper() + "-" + str(i % 13))
text = " ".join(words)
for token in text.split(" "):
    key, _, n = token.partition("-")
    counts[key] = counts.get(key, 0) + int(n)
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
report = ", ".join(f"{k}={v}" for k, v in top)
assert len(report) > 0
print(time.perf_counter() - start)
