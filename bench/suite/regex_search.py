# Regular expressions: search, findall and finditer over generated text.
# half: train
import random
import re

WORDS = ["alpha", "beta", "gamma", "delta", "user@example.com", "2023-10-05", "x1y2z3",
         "http://host.org/path?q=1", "ERROR", "warning", "192.168.0.1", "foo_bar", "Baz"]
PATTERNS = [
    re.compile(r"\b\w+@\w+\.\w+\b"),
    re.compile(r"\d{4}-\d{2}-\d{2}"),
    re.compile(r"https?://[^\s?]+(\?\S*)?"),
    re.compile(r"(?i)error|warning"),
    re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"),
    re.compile(r"[A-Z][a-z]+"),
    re.compile(r"(\w)\1"),
]


def bench():
    rng = random.Random(3)
    text = " ".join(rng.choice(WORDS) for _ in range(12000))
    counts = [len(p.findall(text)) for p in PATTERNS]
    spans = sum(m.end() - m.start() for m in PATTERNS[2].finditer(text))
    lines = [text[i:i + 80] for i in range(0, len(text), 80)]
    hits = sum(1 for line in lines if PATTERNS[1].search(line))
    return counts, spans, hits
