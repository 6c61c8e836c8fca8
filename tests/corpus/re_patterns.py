# re: matching, groups, named groups, lookarounds, flags, finditer.
import re

text = "Alice: 555-1234, Bob: 555-9876; carol: 555-0000 (ext. 42) on 2024-02-29"
phone = re.compile(r"(?P<name>\w+):\s*(?P<num>\d{3}-\d{4})")
print(phone.pattern, phone.groups, sorted(phone.groupindex.items()))
for m in phone.finditer(text):
    print(m.group(0), "|", m.group("name"), m.group("num"), m.span(), m.start("num"), m.end(2))
    print("  groupdict:", m.groupdict(), "groups:", m.groups())
print(phone.findall(text))
print(re.findall(r"\d+", text))
print(re.findall(r"(\d)(\d)", "12345"))

m = re.search(r"(\d{4})-(\d{2})-(\d{2})", text)
print(m[0], m[1], m[2], m[3], m.lastindex, m.re.pattern, m.pos, m.endpos)
print(re.match(r"\w+", text).group(), re.match(r"\d", text))
print(re.fullmatch(r"[a-z]+", "hello"), re.fullmatch(r"[a-z]+", "hello!"))
print(bool(re.fullmatch(r"[a-z]+", "hello")), re.fullmatch(r"[a-z]+", "hello").span())

# flags
print(re.findall(r"^\w+", "one\ntwo\nthree", re.M))
print(re.findall(r"CAROL|bob", text, re.I))
print(re.search(r"a.c", "a\nc", re.S).group() == "a\nc", re.search(r"a.c", "a\nc"))
verbose = re.compile(r"""
    (?P<int>[-+]?\d+)      # integer part
    (?:\.(?P<frac>\d+))?   # optional fraction
    (?:[eE](?P<exp>[-+]?\d+))?
""", re.X)
for s in ["42", "-3.14", "+6.02e23", "1e-9", "x"]:
    mm = verbose.match(s)
    print(s, mm.groupdict() if mm else None)
print(int(re.I), int(re.M), int(re.S), int(re.X), int(re.A), re.I | re.M)

# lookarounds, backrefs, non-greedy, alternation, conditionals
print(re.findall(r"\w+(?=!)", "hey! you! there"))
print(re.findall(r"(?<=\$)\d+", "cost $30 and $45, not 50"))
print(re.findall(r"\b(?!un)\w+able\b", "unable readable unstable capable"))
print(re.findall(r"(\w)\1", "aabbcdde"), re.search(r"(?P<q>['\"]).*?(?P=q)", "x 'a\"b' y").group())
print(re.findall(r"<.+?>", "<a><b></b></a>"), re.findall(r"<.+>", "<a><b></b></a>"))
print(re.findall(r"(<)?(\w+@\w+\.com)(?(1)>|$)", "<u@x.com> v@y.com"))
print(ascii(re.findall(r"[\u00c0-\u00ff]+", "na\u00efve caf\u00e9 \u00fcber")))
print(re.findall(r"\w+", "caf\u00e9 na\u00efve", re.A), ascii(re.findall(r"\w+", "caf\u00e9 na\u00efve")))
print(re.findall(rb"[a-f0-9]{2}", b"de:ad:BE:ef:01"))
print(re.escape("a.b*c?[d]{e}(f)|g^h$ i-j"), re.escape("plain_text123"))
pat = re.compile(r"(a)(b)?")
mm = pat.match("ac")
print(mm.groups(), mm.groups("-"), mm.group(2), mm.span(2), mm.expand(r"[\1][\g<2>]") if mm.group(2) else "no-2")
for bad in ["(", "[a-", "a**", r"(?P<1x>a)", "\\"]:
    try:
        re.compile(bad)
    except re.error as e:
        print(repr(bad), "->", e.msg, e.pos)
