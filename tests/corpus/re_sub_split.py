# re: sub/subn with strings and callables, split, templates, scanner-style tokenizing.
import re

s = "The quick brown fox jumps over the lazy dog. The END."
print(re.sub(r"the", "a", s, flags=re.I))
print(re.subn(r"\s+", "_", s))
print(re.sub(r"(\w+) (\w+)", r"\2 \1", s, count=2))
print(re.sub(r"(?P<first>\w)(?P<rest>\w*)", r"\g<rest>\g<first>ay", "pig latin words"))
print(re.sub(r"\d+", lambda m: str(int(m.group()) * 2), "a1 b22 c333 d"))
print(re.sub(r"[aeiou]", lambda m: m.group().upper(), "programming language"))
print(re.sub(r"x*", "-", "abxd"))
print(re.sub(r"^", "> ", "line1\nline2\nline3", flags=re.M))
print(re.sub(r"(\d{4})-(\d\d)-(\d\d)", r"\3/\2/\1", "from 2023-01-15 to 2024-12-31"))
print(re.sub(rb"\x00+", b"|", b"a\x00\x00b\x00c"))

print(re.split(r"[,;]\s*", "a, b;c,  d;;e"))
print(re.split(r"([,;])", "a,b;c"))
print(re.split(r"\s+", "  leading and trailing  "))
print(re.split(r"\W+", "Words, words, words.", maxsplit=1))
print(re.split(r"\b", "hi there"))
print(re.split(r"(?<=[.!?]) ", "One. Two! Three? Four"))
print(re.split(r"x*", "axbc"))

TOKENS = [
    ("NUMBER", r"\d+(?:\.\d*)?"), ("ID", r"[A-Za-z_]\w*"), ("OP", r"[+\-*/=()]"),
    ("STRING", r'"(?:[^"\\]|\\.)*"'), ("WS", r"\s+"), ("BAD", r"."),
]
master = re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in TOKENS))
src = 'total = price * 1.08 + tax(3) - "a \\"q\\" b" # end'
for m in master.finditer(src):
    if m.lastgroup != "WS":
        print(f"{m.lastgroup:6} {m.group()!r:14} at {m.start()}")

csv_line = 'name,"Smith, John",42,"say ""hi""",,end'
fields = [f[1:-1].replace('""', '"') if f.startswith('"') else f
          for f in re.findall(r'(?:^|,)("(?:[^"]|"")*"|[^,]*)', csv_line)]
print(fields)

def camel_to_snake(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()

for n in ["CamelCase", "getHTTPResponseCode", "HTTPServer", "already_snake", "v2Update"]:
    print(n, "->", camel_to_snake(n))
words = re.findall(r"[a-z']+", "It's a truth universally acknowledged, that a single man".lower())
print(words, len(words))
print(re.compile(r"\d").sub("#", "a1b2c3", 2), re.compile(r"(a)|b").sub(r"[\1]", "ab"))
try:
    re.sub(r"(a)", r"\2", "a")
except re.error as e:
    print("error:", e)
