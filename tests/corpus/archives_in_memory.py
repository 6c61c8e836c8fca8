# gzip, zipfile and tarfile with every compression, in memory (io.BytesIO).
import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
import zlib

payload = {
    "readme.txt": b"eryx archives\n" * 50,
    "data/numbers.csv": b"".join(b"%d,%d\n" % (i, i * i) for i in range(300)),
    "data/empty.bin": b"",
    "data/binary.bin": bytes(range(256)) * 8,
}

# gzip: fixed mtime makes the bytes reproducible
packed = gzip.compress(payload["readme.txt"], compresslevel=9, mtime=0)
print(len(packed), zlib.crc32(packed), gzip.decompress(packed) == payload["readme.txt"])
buf = io.BytesIO()
with gzip.GzipFile(filename="notes.txt", mode="wb", fileobj=buf, mtime=1700000000) as f:
    f.write(b"first\n")
    f.write(b"second\n" * 10)
raw = buf.getvalue()
print(len(raw), raw[:4].hex(), b"notes.txt" in raw)
with gzip.GzipFile(fileobj=io.BytesIO(raw)) as f:
    print(f.readline(), len(f.read()), f.mtime, f.name)
print(gzip.decompress(packed + packed) == payload["readme.txt"] * 2)
try:
    gzip.decompress(b"\x1f\x8b\x08\x00garbage")
except (OSError, EOFError, zlib.error) as exc:
    print(type(exc).__name__)

# zipfile with each method; a fixed date_time per member
methods = [("stored", zipfile.ZIP_STORED), ("deflated", zipfile.ZIP_DEFLATED),
           ("bzip2", zipfile.ZIP_BZIP2), ("lzma", zipfile.ZIP_LZMA)]
for label, method in methods:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        for name, data in payload.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 6)), data,
                        compress_type=method)
        zf.comment = b"made in memory"
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        infos = zf.infolist()
        ok = all(zf.read(i.filename) == payload[i.filename] for i in infos)
        print(label, len(buf.getvalue()), ok, zf.testzip(), zf.comment,
              [(i.filename, i.file_size, i.compress_type, i.CRC) for i in infos][:2])

buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
    with zf.open(zipfile.ZipInfo("streamed.txt", (2020, 5, 6, 7, 8, 10)), "w") as member:
        for i in range(100):
            member.write(b"row %d\n" % i)
with zipfile.ZipFile(buf) as zf:
    with zf.open("streamed.txt") as member:
        print(member.readline(), sum(1 for _ in member))
    print(zipfile.Path(zf, "streamed.txt").read_text()[:12].split())
print(zipfile.is_zipfile(buf), zipfile.is_zipfile(io.BytesIO(b"PK\x03\x04nope")))

# tarfile: plain, gz, bz2, xz, with fixed metadata
def add(tf, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.uname = len(data), 1700000000, 0o644, "eryx"
    tf.addfile(info, io.BytesIO(data))

for mode in ("w", "w:gz", "w:bz2", "w:xz"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.PAX_FORMAT) as tf:
        for name, data in payload.items():
            add(tf, name, data)
    raw = buf.getvalue()
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:*") as tf:
        names = tf.getnames()
        ok = all(tf.extractfile(n).read() == payload[n] for n in names)
        m = tf.getmember("readme.txt")
        print(mode, names, ok, m.size, m.mtime, oct(m.mode), m.uname)

# compressed streams of the other formats, read back through the generic API
for module in (bz2, lzma, gzip):
    raw = module.compress(payload["data/numbers.csv"])
    with module.open(io.BytesIO(raw)) as f:
        print(module.__name__, f.read(10), len(f.read()))
