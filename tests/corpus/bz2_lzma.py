# bz2 and lzma: one-shot and incremental (de)compression, formats, filters, errors.
import bz2
import lzma
import zlib

text = b"".join(b"%05d the rain in spain stays mainly in the plain\n" % i for i in range(500))

for level in (1, 5, 9):
    packed = bz2.compress(text, level)
    print("bz2", level, len(packed), zlib.crc32(packed), bz2.decompress(packed) == text)
c = bz2.BZ2Compressor(9)
packed = b"".join(c.compress(text[i:i + 1000]) for i in range(0, len(text), 1000)) + c.flush()
print(packed == bz2.compress(text, 9))
d = bz2.BZ2Decompressor()
out = d.decompress(packed[:500]) + d.decompress(packed[500:] + b"junk")
print(out == text, d.eof, d.unused_data, d.needs_input)
d = bz2.BZ2Decompressor()
part = d.decompress(packed, max_length=1000)
print(len(part), d.needs_input, d.eof)
while not d.eof:
    part += d.decompress(b"", max_length=1000)
print(part == text, d.needs_input)
print(bz2.decompress(bz2.compress(b"a") + bz2.compress(b"b")))
for bad in (b"BZh9garbage", bz2.compress(text)[:-10]):
    try:
        bz2.decompress(bad)
    except (OSError, EOFError, ValueError) as exc:
        print(type(exc).__name__, exc)

print(lzma.is_check_supported(lzma.CHECK_CRC64), lzma.is_check_supported(lzma.CHECK_SHA256))
for fmt, check in ((lzma.FORMAT_XZ, lzma.CHECK_CRC64), (lzma.FORMAT_XZ, lzma.CHECK_SHA256),
                   (lzma.FORMAT_XZ, lzma.CHECK_NONE), (lzma.FORMAT_ALONE, -1)):
    packed = lzma.compress(text, format=fmt, check=check, preset=6)
    print("lzma", fmt, check, len(packed), zlib.crc32(packed), lzma.decompress(packed) == text)
for preset in (0, 3 | lzma.PRESET_EXTREME):  # 9 needs more memory than the sandbox's 256 MiB
    print(preset, len(lzma.compress(text, preset=preset)))

filters = [{"id": lzma.FILTER_DELTA, "dist": 4},
           {"id": lzma.FILTER_LZMA2, "preset": 7, "lc": 3, "lp": 0, "pb": 2}]
raw = lzma.compress(text, format=lzma.FORMAT_RAW, filters=filters)
print(len(raw), lzma.decompress(raw, format=lzma.FORMAT_RAW, filters=filters) == text)
x86 = [{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2}]
print(lzma.decompress(lzma.compress(bytes(range(256)) * 20, filters=x86)) == bytes(range(256)) * 20)

c = lzma.LZMACompressor()
packed = b"".join(c.compress(text[i:i + 3000]) for i in range(0, len(text), 3000)) + c.flush()
d = lzma.LZMADecompressor()
out = b""
while not d.eof:
    out += d.decompress(packed if not out else b"", max_length=4096)
print(out == text, d.check, d.unused_data)
print(lzma.decompress(lzma.compress(b"x") + lzma.compress(b"y")))
for bad in (b"\xfd7zXZ\x00garbage", lzma.compress(text)[:-10], b"not xz"):
    try:
        lzma.decompress(bad)
    except (lzma.LZMAError, EOFError) as exc:
        print(type(exc).__name__, exc)
try:
    lzma.LZMACompressor(format=lzma.FORMAT_RAW)
except (ValueError, lzma.LZMAError) as exc:
    print(type(exc).__name__, exc)
