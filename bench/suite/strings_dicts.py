# String building, splitting, formatting and dict counting.
# half: held-out


def bench():
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
    return ", ".join(f"{k}={v}" for k, v in top)
