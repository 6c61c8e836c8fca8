# difflib: SequenceMatcher (ratio, opcodes, blocks), unified/context/ndiff diffs, close matches.
import difflib

a = "the quick brown fox jumps over the lazy dog"
b = "the quick red fox jumped over a lazy dog!"
sm = difflib.SequenceMatcher(None, a, b)
print(round(sm.ratio(), 6), round(sm.quick_ratio(), 6), round(sm.real_quick_ratio(), 6))
print(sm.find_longest_match(0, len(a), 0, len(b)), sm.get_matching_blocks()[:4])
for tag, i1, i2, j1, j2 in sm.get_opcodes():
    print(f"{tag:8} a[{i1}:{i2}] {a[i1:i2]!r:14} b[{j1}:{j2}] {b[j1:j2]!r}")
ws = difflib.SequenceMatcher(lambda c: c == " ", "private Thread currentThread;", "private volatile Thread currentThread;")
print(round(ws.ratio(), 6), ws.get_matching_blocks())
nums = difflib.SequenceMatcher(None, [1, 2, 3, 4, 5, 6], [1, 3, 4, 7, 6])
print(nums.get_opcodes(), list(nums.get_grouped_opcodes(0)))

old = """def greet(name):
    print("Hello " + name)
    return None

def add(a, b):
    return a + b

def unused():
    pass
""".splitlines(keepends=True)
new = """def greet(name, punct="!"):
    print(f"Hello {name}{punct}")
    return None

def add(a, b):
    # sum two numbers
    return a + b
""".splitlines(keepends=True)
print("".join(difflib.unified_diff(old, new, fromfile="a/mod.py", tofile="b/mod.py")))
print("".join(difflib.unified_diff(old, new, n=0, lineterm="\n")))
print("".join(difflib.context_diff(old, new, fromfile="old", tofile="new", n=1)))
print("".join(difflib.ndiff(["one\n", "two\n", "three\n"], ["ore\n", "two\n", "emu\n", "three!\n"])))
diff = list(difflib.ndiff(old, new))
print("".join(difflib.restore(diff, 1)) == "".join(old), "".join(difflib.restore(diff, 2)) == "".join(new))
print(list(difflib.Differ().compare(["abcdefg\n"], ["abcxefgh\n"])))
words = ["apple", "ape", "apply", "peach", "puppy", "maple", "applet", "happy", "grape"]
for w in ["appel", "pape", "hapy", "xyz", "grap"]:
    print(w, difflib.get_close_matches(w, words), difflib.get_close_matches(w, words, n=1, cutoff=0.4))
for w1, w2 in [("kitten", "sitting"), ("flaw", "lawn"), ("", ""), ("abc", ""), ("same", "same")]:
    print(w1, w2, round(difflib.SequenceMatcher(None, w1, w2).ratio(), 6))
print(difflib.IS_CHARACTER_JUNK(" "), difflib.IS_CHARACTER_JUNK("x"), difflib.IS_LINE_JUNK(" # \n"), difflib.IS_LINE_JUNK("code\n"))
long_a = [f"line {i}\n" for i in range(300)]
long_b = long_a[:100] + ["inserted\n"] + long_a[100:250] + long_a[260:]
lsm = difflib.SequenceMatcher(None, long_a, long_b)
print([op for op in lsm.get_opcodes() if op[0] != "equal"], round(lsm.ratio(), 6))
print("".join(difflib.unified_diff(long_a, long_b, "x", "y", n=1)))
