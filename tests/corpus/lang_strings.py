# str methods: case, search, split/partition/join, strip, justify, predicates, translate,
# encode/decode with error handlers, slicing.
s = "  Hello, World! Hello, Python.  "
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()), repr(s.strip(" .H")), repr("xxhixx".strip("x")))
t = s.strip()
print(t.lower(), t.upper(), t.swapcase(), t.title(), "hELLO wORLD".capitalize(), "\u00df stra\u00dfe".casefold())
print(t.count("Hello"), t.find("Hello"), t.find("Hello", 1), t.rfind("Hello"), t.find("zzz"), t.index("World"), t.rindex("o"))
print(t.startswith("Hello"), t.endswith(("!", ".")), t.startswith("World", 7), "World" in t, t.replace("Hello", "Bye"), t.replace("Hello", "Bye", 1))
print(t.split(), t.split(", "), t.split(",", 1), t.rsplit(" ", 1), "a,b,,c,".split(","), "  a  b  ".split(" "))
print("line1\nline2\r\nline3\rline4".splitlines(), "x\ny\n".splitlines(keepends=True), "".split(), "".split(","))
print(t.partition(", "), t.rpartition(", "), t.partition("zzz"), "k=v=w".partition("="), "k=v=w".rpartition("="))
print("-".join(["a", "b", "c"]), "".join(reversed("stressed")), ", ".join(map(str, range(5))), "\u00b7".join("abc") == "a\u00b7b\u00b7c")
print(repr("7".zfill(3)), repr("-7".zfill(4)), repr("ab".center(7, "*")), repr("ab".ljust(5, ".")), repr("ab".rjust(5)), repr("a\tb\tc".expandtabs(4)))
for w in ["abc", "ABC", "Abc Def", "123", "\u00bd", "\u0663", "abc123", "   ", "", "a_b", "class", "x1.5", "\u2167"]:
    print(f"{w!a:10} alpha={w.isalpha():d} digit={w.isdigit():d} decimal={w.isdecimal():d} numeric={w.isnumeric():d} "
          f"alnum={w.isalnum():d} space={w.isspace():d} upper={w.isupper():d} lower={w.islower():d} title={w.istitle():d} "
          f"ident={w.isidentifier():d} print={w.isprintable():d} ascii={w.isascii():d}")
print("hello world"[::-1], "hello"[1:4], "hello"[-3:], "hello"[::2], "hello"[10:], "abcdef"[-100:100:3], "hello"[::-2])
tbl = str.maketrans({"a": "4", "e": "3", "o": None, "l": "|"})
print("hello leet coder".translate(tbl), "abc".translate({97: "AA"}), str.maketrans("ab", "xy"))
print("prefix_name".removeprefix("prefix_"), "file.tar.gz".removesuffix(".gz"), "same".removeprefix("x"))
u = "na\u00efve caf\u00e9 \u2603 \U0001f600"
for enc in ["utf-8", "utf-16", "utf-32-le", "latin-1", "ascii", "cp1252"]:
    for errors in ["strict"] if enc.startswith("utf") else ["strict", "replace", "ignore", "xmlcharrefreplace", "backslashreplace"]:
        try:
            out = u.encode(enc, errors)
            print(f"{enc:9} {errors:17} {len(out):3} {out[:24]!r}")
        except UnicodeEncodeError as e:
            print(f"{enc:9} {errors:17} error: {e.reason} at {e.start}-{e.end}")
raw = b"caf\xc3\xa9 \xff\xfe bytes"
for errors in ["replace", "ignore", "backslashreplace", "surrogateescape"]:
    print(errors, ascii(raw.decode("utf-8", errors)))
print(ascii(raw.decode("latin-1")), raw.decode("utf-8", "surrogateescape").encode("utf-8", "surrogateescape") == raw)
print(len(u), len(u.encode()), len(u.encode("utf-16-le")) // 2, [hex(ord(c)) for c in u[-3:]], chr(0x1F600) == u[-1])
print("a" < "b" < "ba", "Z" < "a", "apple" < "apples", sorted(["b", "B", "a", "A", "_", "1"]), max("hello"), min("hello"))
print("abc" * 3, "-" * 10, 3 * "xy", "%s" % "", str(12.0), str(-0.0), repr("it's"), repr('say "hi"'), repr("both ' and \""))
print(f"{'multi':*^11}", "TitLe CaSe".istitle(), "Title Case".istitle(), "a1b2".upper(), ascii("\u01c5".lower()), ascii("\u01c5".upper()))
print("The quick brown fox".split(maxsplit=2), "a b  c".count(" "), "mississippi".count("ss"), "aaaa".count("aa"), "aaaa".replace("aa", "b"))
print(str(b"bytes", "ascii"), str(123), str([1, "a"]), str(None), "".join(chr(c) for c in range(65, 91, 5)), ord("\n"), hex(ord("\u20ac")))
