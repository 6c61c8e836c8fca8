# struct: standard-size formats only ('<', '>', '=', '!'); native sizes of l/L/P/n/N are
# 4 bytes on wasm32 vs 8 on x86-64, so they are deliberately never used here.
import struct

fmts = ["<b", "<B", "<h", "<H", "<i", "<I", "<q", "<Q", "<e", "<f", "<d", "<?", "<c", "<5s", "<3p", "<x",
        ">ihq", "=hhb", "!IH", "<2i3x2h", "<10c", ">?d"]
for f in fmts:
    print(f"{f:9} calcsize={struct.calcsize(f)}")
print(struct.pack("<i", -2), struct.pack(">i", -2), struct.pack("!I", 0xDEADBEEF), struct.pack("=h", 0x1234))
print(struct.pack("<q", -(2**63)), struct.pack(">Q", 2**64 - 1), struct.pack("<Q", 1), struct.pack("<H", 65535))
print(struct.pack("<f", 1.5), struct.pack(">d", -0.1), struct.pack("<e", 65504.0), struct.pack("<d", float("inf")))
print(struct.pack("<?3s", True, b"abcdef"), struct.pack("<5s", b"ab"), struct.pack("<3p", b"hello"), struct.pack(">c2x", b"Z"))
rec = struct.Struct("<I16sdhB?")
packed = rec.pack(42, "na\u00efve".encode(), 3.25, -300, 255, False)
print(rec.format, rec.size, packed.hex(), len(packed))
print(rec.unpack(packed), ascii(rec.unpack(packed)[1].rstrip(b"\0").decode()))
print(struct.unpack("<hH", b"\xff\xff\xff\xff"), struct.unpack(">i", b"\x80\x00\x00\x00"), struct.unpack("<f", struct.pack("<f", 0.1)))
print(struct.unpack("<e", b"\x00\x3c"), struct.unpack("<e", b"\x00\x7c"), struct.unpack("<e", b"\x01\x00"), struct.unpack(">d", bytes(8)))
print(list(struct.iter_unpack("<hb", bytes(range(9)))), struct.unpack_from("<H", b"\x00\x01\x02\x03", offset=1))
buf = bytearray(16)
struct.pack_into("<IIq", buf, 0, 1, 2, -3)
print(buf, struct.unpack("<IIq", buf))
struct.pack_into(">H", buf, 14, 0xABCD)
print(buf.hex(" "))
for bad in [lambda: struct.pack("<b", 128), lambda: struct.pack("<I", -1), lambda: struct.pack("<h", 1.0), lambda: struct.pack("<i"),
            lambda: struct.unpack("<i", b"abc"), lambda: struct.calcsize("<y"), lambda: struct.pack("<e", 1e6)]:
    try:
        bad()
    except (struct.error, OverflowError) as e:
        print(type(e).__name__, e)
# a tiny binary "file format": header + records, round-tripped
HEADER = struct.Struct(">4sHHI")
REC = struct.Struct(">hhf")
points = [(1, -2, 0.5), (300, 400, -1.25), (-32768, 32767, 1e-3)]
blob = HEADER.pack(b"ERYX", 1, len(points), 0xC0FFEE) + b"".join(REC.pack(*p) for p in points)
print(len(blob), blob[:12], blob[12:].hex())
magic, ver, n, crc = HEADER.unpack_from(blob)
out = [REC.unpack_from(blob, HEADER.size + i * REC.size) for i in range(n)]
print(magic, ver, n, hex(crc), out)
print([f"{x:.6g}" for _, _, x in out])
# floats: exact bit patterns
for x in [0.0, -0.0, 1.0, 0.1, 1 / 3, 2.0 ** -1074, 1.7976931348623157e308, float("nan")]:
    bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    fbits = struct.unpack("<I", struct.pack("<f", x if x == x and abs(x) < 3.4e38 else 0.0))[0]
    print(f"{x!r:24} {bits:016x} {fbits:08x}")
print(int.from_bytes(struct.pack(">I", 1000), "big"), (1000).to_bytes(4, "little") == struct.pack("<I", 1000))
