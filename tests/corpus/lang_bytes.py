# bytes / bytearray / memoryview: construction, methods, mutation, slicing, hex, int conversion,
# buffer protocol with standard-size formats only.
b = b"Hello\x00World\xff"
print(b, len(b), b[0], b[-1], b[1:5], b[::-1], list(b[:3]), b"ab" * 3, b"x" + b"yz", 72 in b, b"World" in b)
print(bytes(5), bytes([65, 66, 67]), bytes(range(250, 256)), bytes("h\u00e9", "utf-8"), bytes.fromhex("48 65 6c"), b"\x41\102C")
print(b.hex(), b.hex("-", 4), b.upper(), b.lower(), b.swapcase(), b.title(), b.capitalize())
print(b.find(b"o"), b.rfind(b"o"), b.count(b"l"), b.index(b"W"), b.startswith(b"He"), b.endswith(b"\xff"), b.find(111))
print(b.split(b"\x00"), b"a,b,,c".split(b","), b"  x  y ".split(), b"k=v".partition(b"="), b"a\nb\r\nc".splitlines())
print(b" pad ".strip(), b"xxabxx".strip(b"x"), b"ab".center(6, b"*"), b"7".zfill(3), b"-".join([b"a", b"b"]), b"abc".replace(b"b", b"BB"))
print(b"abc".isalpha(), b"123".isdigit(), b"ab1".isalnum(), b" \t".isspace(), b"ABC".isupper(), b"\x80".isascii(), b"Ab".istitle())
print(b"hello".translate(bytes.maketrans(b"el", b"ip")), b"hello".translate(None, b"l"), b"prefix-x".removeprefix(b"prefix-"))
print(int.from_bytes(b"\x01\x00", "big"), int.from_bytes(b"\x01\x00", "little"), (258).to_bytes(2, "big"), (-2).to_bytes(2, "little", signed=True))
print(b"%s=%d (%x) %5.1f %r" % (b"key", 42, 255, 2.25, b"raw"), ascii(b"caf\xc3\xa9".decode()), b"\xe9".decode("latin-1") == "\u00e9")
ba = bytearray(b"hello")
ba[0] = ord("J")
ba.extend(b" world")
ba.append(33)
ba.insert(0, 62)
print(ba, len(ba))
print(ba.pop(), ba.pop(0), ba)
ba[1:6] = b"HOWDY"
del ba[5:11]
print(ba, ba.find(b"ld"), bytes(ba), ba.hex(" "), ba.count(b"l"))
ba2 = bytearray(4)
ba2[1:3] = b"\xff\xfe"
ba2 += b"\x01"
ba2.reverse()
print(ba2, ba2 * 2, bytearray.fromhex("de ad"), bytearray(b"abc").upper(), bytearray(range(3)).remove(1) or "removed")
mv = memoryview(b"abcdefgh")
print(mv[0], mv[-1], bytes(mv[2:5]), mv[::2].tobytes(), mv.nbytes, mv.readonly, mv.format, mv.itemsize, mv.ndim, mv.shape)
mba = bytearray(b"0123456789")
mv2 = memoryview(mba)
mv2[0:3] = b"abc"
sub = mv2[5:]
sub[0] = ord("Z")
print(mba, mv2.readonly, sub.tobytes(), sub.tolist()[:3], mv2.hex(), mv2 == b"abc34Z6789")
ints = memoryview(bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00\xff\xff\xff\xff")).cast("i")
print(ints.tolist(), ints.itemsize, ints.format, len(ints), ints.nbytes)
halfs = memoryview(bytes(range(8))).cast("H")
print(halfs.tolist(), memoryview(bytes(range(6))).cast("B", shape=[2, 3]).tolist())
with memoryview(bytearray(b"xyz")) as m:
    m[1] = 0x59
    print(m.tobytes(), m.obj)
try: m.tobytes()
except ValueError as e: print("ValueError:", e)
for bad in [lambda: b"abc"[5], lambda: bytes([256]), lambda: b"a" + "b", lambda: memoryview(b"ro")[0:1].__setitem__(0, 1), lambda: bytearray(b"x").pop(5)]:
    try:
        bad()
    except (IndexError, ValueError, TypeError) as e:
        print(type(e).__name__, e)
print(sorted([b"b", b"a", b"ab", b"\x00"]), b"abc" < b"abd", b"a" == bytearray(b"a"), bytes(bytearray(b"q")), bytes(memoryview(b"mv")))
print(list(b"\x00\x7f\x80\xff"), [hex(c) for c in b"AZ"], sum(b"\x01\x02\x03"), max(b"hello"), bytes(reversed(b"abc")))
