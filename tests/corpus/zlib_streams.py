# zlib: one-shot and streaming compression, wbits formats, checksums, errors.
import zlib

text = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % i for i in range(400))
print(zlib.ZLIB_VERSION, zlib.MAX_WBITS, zlib.DEF_MEM_LEVEL, zlib.Z_BEST_COMPRESSION)
for level in (0, 1, 6, 9, -1):
    packed = zlib.compress(text, level)
    print(level, len(packed), zlib.crc32(packed), zlib.decompress(packed) == text)
print(zlib.crc32(text), zlib.adler32(text), zlib.crc32(b""), zlib.adler32(b""))
print(zlib.crc32(b"world", zlib.crc32(b"hello ")) == zlib.crc32(b"hello world"))
print(zlib.adler32(b"world", zlib.adler32(b"hello ")) == zlib.adler32(b"hello world"))

# raw deflate (-15), zlib (15) and gzip (31) containers; 47 detects either
for wbits in (-15, 9, 15, 31):
    c = zlib.compressobj(6, zlib.DEFLATED, wbits)
    packed = c.compress(text) + c.flush()
    d = zlib.decompressobj(wbits if wbits != 31 else 47)
    print(wbits, len(packed), packed[:2].hex(), d.decompress(packed) == text, d.eof)

# streaming in small pieces, with flushes and a bounded output size
c = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_FILTERED)
chunks = [c.compress(text[i:i + 700]) for i in range(0, len(text), 700)]
chunks.append(c.flush(zlib.Z_SYNC_FLUSH))
chunks.append(c.compress(b"tail"))
chunks.append(c.flush())
packed = b"".join(chunks)
print(len(packed), sum(1 for ch in chunks if ch))
d = zlib.decompressobj()
out = []
data = packed
while data:
    out.append(d.decompress(data, 1000))
    data = d.unconsumed_tail
out.append(d.flush())
print(b"".join(out) == text + b"tail", d.eof, d.unused_data, len(out))

d = zlib.decompressobj()
print(d.decompress(zlib.compress(b"abc") + b"extra"), d.unused_data, d.eof)

# a preset dictionary and copies of stream state
zdict = b"the quick brown fox jumps over the lazy dog"
c = zlib.compressobj(zdict=zdict)
packed = c.compress(b"the lazy dog jumps over the quick brown fox") + c.flush()
print(len(packed), zlib.decompressobj(zdict=zdict).decompress(packed))
c = zlib.compressobj()
c.compress(b"shared prefix ")
c2 = c.copy()
a = c.compress(b"one") + c.flush()
b = c2.compress(b"two") + c2.flush()
print(len(a), len(b), a != b)

for bad in (b"", b"not compressed", zlib.compress(b"abc")[:-1]):
    try:
        zlib.decompress(bad)
    except zlib.error as exc:
        print("error:", exc)
try:
    zlib.compressobj(10)
except (ValueError, zlib.error) as exc:
    print(type(exc).__name__, exc)
