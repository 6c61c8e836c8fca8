# str methods: split, join, replace, find, strip, case, startswith, translate.
# half: held-out


def bench():
    base = "  The quick Brown fox jumps over the lazy dog, again and AGAIN  "
    table = str.maketrans("aeiou", "AEIOU")
    total = 0
    for i in range(6000):
        s = base + str(i)
        words = s.strip().split()
        total += len("_".join(w.lower() for w in words))
        total += s.find("lazy") + s.count("a") + s.rfind("AGAIN")
        t = s.replace("fox", "cat").upper().translate(table)
        total += t.startswith("  THE") + s.endswith(str(i)) + len(s.title())
        total += sum(1 for w in words if w.isalpha())
    return total
