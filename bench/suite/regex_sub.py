# Regular expressions: sub with templates and callbacks, split, match.
# half: held-out
import re

CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
NUM = re.compile(r"\d+")
SPACES = re.compile(r"\s+")
KV = re.compile(r"(\w+)=(\w+)")


def bench():
    text = " ".join("someCamelCase%dValue key%d=val%d  tail" % (i, i, i * 3) for i in range(3000))
    snake = CAMEL.sub(r"_\1", text).lower()
    doubled = NUM.sub(lambda m: str(int(m.group()) * 2), text)
    parts = SPACES.split(text)
    pairs = dict(KV.findall(text))
    matched = sum(1 for p in parts if re.match(r"[a-z]+\d*$", p))
    return len(snake), len(doubled), len(parts), len(pairs), matched
