# unicodedata: names, categories, normalization forms, numeric values, widths, bidi, combining.
import unicodedata as ud

print(ud.unidata_version)
chars = ["A", "z", "5", " ", "\u00e9", "\u00df", "\u0301", "\u2603", "\u20ac", "\u0661", "\u00bd", "\u2167", "\u4e2d",
         "\uff21", "\U0001f600", "\u200d", "\u05d0", "\t", "\u00a0", "\U0001d54f", "\u2028", "\u0e01"]
for ch in chars:
    print(f"U+{ord(ch):05X} {ud.name(ch, '<no name>'):42} {ud.category(ch)} {ud.bidirectional(ch):3} "
          f"{ud.east_asian_width(ch):2} comb={ud.combining(ch)} mirrored={ud.mirrored(ch)} "
          f"dec={ud.decimal(ch, None)} dig={ud.digit(ch, None)} num={ud.numeric(ch, None)} decomp={ud.decomposition(ch)!r}")
print(ascii(ud.lookup("SNOWMAN") + ud.lookup("LATIN SMALL LETTER A WITH ACUTE") + ud.lookup("GREEK SMALL LETTER ALPHA") + ud.lookup("EM DASH")))
print(ascii("\N{BLACK HEART SUIT}\N{LATIN CAPITAL LETTER A WITH RING ABOVE}"), ud.name("\N{DEGREE SIGN}"))
try:
    ud.lookup("NOT A REAL CHARACTER NAME")
except KeyError as e:
    print("KeyError:", e)
try:
    ud.name("\ue000")
except ValueError as e:
    print("ValueError:", e)
samples = ["caf\u00e9", "cafe\u0301", "\ufb01ance\u0301", "\u2460\u00b2\u212b", "\u1e9b\u0323", "\uff28\uff45\uff4c\uff4c\uff4f", "\u3301"]
for s in samples:
    forms = {f: ud.normalize(f, s) for f in ("NFC", "NFD", "NFKC", "NFKD")}
    print(ascii(s), {f: (ascii(v), len(v)) for f, v in forms.items()}, [ud.is_normalized(f, s) for f in forms])
print(ud.normalize("NFC", "cafe\u0301") == "caf\u00e9", "cafe\u0301" == "caf\u00e9", len("cafe\u0301"), len(ud.normalize("NFC", "cafe\u0301")))

def strip_accents(text):
    return "".join(c for c in ud.normalize("NFD", text) if not ud.combining(c))

print(ascii(strip_accents("Cr\u00e8me br\u00fbl\u00e9e \u00e0 la fa\u00e7on de S\u00e3o Paulo, \u0141\u00f3d\u017a")))
text = "Hello, \u4e16\u754c! \u0391\u03b2\u03b3 123 \u0664\u0665 \U0001f600\u2764"
cats = {}
for ch in text:
    cats.setdefault(ud.category(ch), []).append(ch)
print({k: ascii("".join(v)) for k, v in sorted(cats.items())})
print(sum(2 if ud.east_asian_width(c) in "WF" else 1 for c in text), len(text))
print([int(c) for c in "\u0661\u0662\u0663"], int("\u0969\u096a"), float("\u0665.\u0665"), "\u00bd".isnumeric(), "\u00bd".isdigit(), "\u00b2".isdigit(), "\u00b2".isdecimal())
print("\u00df".upper(), ascii("\u0130".lower()), len("\u0130".lower()), ascii("\u03a3\u0391\u03a3".lower()), "\ufb03".upper(), "\u01c5".istitle(), "stra\u00dfe".casefold() == "STRASSE".casefold())
print(ascii("\u00e9\U0001f600"), "\u00e9\U0001f600".encode("utf-8"), "\u00e9".encode("utf-16-be"), "\U0001f600".encode("utf-16-le"), "\u00e9".encode("utf-32-be"))
print(ud.ucd_3_2_0.unidata_version, ud.ucd_3_2_0.category("\u0221"), ud.category("\u0221"))
