# String formatting: f-strings, str.format, %-formatting, number formats.
# half: train


def bench():
    out = []
    for i in range(15000):
        x = i * 1.5
        out.append(f"{i:>6d}|{x:10.3f}|{i:#x}|{'name'!r:8}")
        out.append("{0}-{1:05d}-{name}".format("id", i, name="n%d" % (i % 9)))
        out.append("%s:%5.2f:%-4d" % ("k", x, i))
    return len("".join(out)), out[-1]
