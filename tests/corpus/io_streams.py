# io: StringIO, BytesIO, TextIOWrapper (explicit encoding, never locale), buffered readers, newlines.
import io

s = io.StringIO()
s.write("line one\nline two\r\nline three")
print(repr(s.getvalue()), s.tell(), s.seek(0), s.readline(), repr(s.readline()), s.read(4), s.tell())
s.seek(5); s.write("ONE"); s.seek(0, io.SEEK_END)
print(repr(s.getvalue()), s.tell(), s.truncate(8), repr(s.getvalue()), s.closed)
print(list(io.StringIO("a\nb\nc")), io.StringIO("x\ny\n").readlines(), io.StringIO("abc").read(), io.StringIO("q").readable())
print(repr(io.StringIO("a\r\nb\rc\n", newline=None).read()), repr(io.StringIO("a\r\nb\rc\n", newline="").read()))
print(list(io.StringIO("a\r\nb\rc\nd", newline="")), repr(io.StringIO("x\ny", newline="\r\n").getvalue()))
buf = io.StringIO()
print("to buffer", 42, sep="|", end="!\n", file=buf)
print(*["a", "b", "c"], sep=", ", file=buf)
print(repr(buf.getvalue()))
with io.StringIO("ctx") as cm:
    print(cm.read())
print(cm.closed)
try:
    cm.read()
except ValueError as e:
    print("ValueError:", e)

b = io.BytesIO(b"\x00\x01binary\xffdata")
print(b.read(2), b.read(6), b.tell(), b.read(), b.read(), b.seek(-4, io.SEEK_END), b.read())
b.seek(0); b.write(b"XY")
print(b.getvalue(), len(b.getbuffer()), bytes(b.getbuffer()[2:8]), b.readable(), b.writable(), b.seekable())
view = b.getbuffer()
view[0] = ord("Z")
del view
print(b.getvalue()[:4], b.read1(3), b.readinto(bytearray(5)), io.BytesIO(b"a\nbb\nccc").readlines())

raw = io.BytesIO()
tw = io.TextIOWrapper(raw, encoding="utf-8", newline="\r\n", write_through=True)
tw.write("caf\u00e9\n\u2603 snow\n")
tw.flush()
print(raw.getvalue(), tw.encoding, tw.newlines)
for enc in ["utf-8", "utf-16-le", "latin-1", "ascii"]:
    data = io.BytesIO()
    w = io.TextIOWrapper(data, encoding=enc, errors="replace")
    w.write("na\u00efve \u20ac5")
    w.flush()
    print(f"{enc:10}", data.getvalue())
rd = io.TextIOWrapper(io.BytesIO("\u00e91\r\nline2\rline3\n".encode("utf-8")), encoding="utf-8")
print(ascii(rd.readlines()), rd.newlines)
bad = io.TextIOWrapper(io.BytesIO(b"ok \xff\xfe bad"), encoding="utf-8", errors="backslashreplace")
print(bad.read())
strict = io.TextIOWrapper(io.BytesIO(b"\xc3("), encoding="utf-8")
try:
    strict.read()
except UnicodeDecodeError as e:
    print("UnicodeDecodeError:", e.reason, e.start, e.end)
br = io.BufferedReader(io.BytesIO(b"0123456789" * 3), buffer_size=8)
print(br.peek(1)[:1], br.read(4), br.read1(100)[:6], br.tell(), br.readline())
bw_target = io.BytesIO()
bw = io.BufferedWriter(bw_target, buffer_size=4)
bw.write(b"ab"); before = bw_target.getvalue(); bw.write(b"cdefg"); bw.flush()
print(before, bw_target.getvalue())
rw = io.BufferedRandom(io.BytesIO(b"hello world"))
rw.seek(6); rw.write(b"WORLD"); rw.seek(0)
print(rw.read(), io.DEFAULT_BUFFER_SIZE >= 1024, io.SEEK_SET, io.SEEK_CUR, io.SEEK_END)
print(issubclass(io.StringIO, io.TextIOBase), issubclass(io.BytesIO, io.BufferedIOBase), isinstance(tw, io.IOBase))
