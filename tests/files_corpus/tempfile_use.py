import os
import tempfile

with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "a.txt")
    with open(p, "w") as f:
        f.write("hello\n")
    print(os.listdir(d), os.path.getsize(p))
print(os.path.exists(d))
with tempfile.NamedTemporaryFile("w+", suffix=".log") as f:
    f.write("line 1\nline 2\n")
    f.flush()
    f.seek(0)
    print(f.read().splitlines(), f.name.endswith(".log"))
with tempfile.TemporaryFile() as f:
    f.write(b"x" * 10000)
    f.seek(5000)
    print(len(f.read()))
with tempfile.SpooledTemporaryFile(max_size=10) as f:
    f.write(b"0123456789abcdef")
    f.seek(0)
    print(f.read())
fd, name = tempfile.mkstemp(prefix="eryx")
os.write(fd, b"abc")
os.close(fd)
print(open(name).read(), os.path.basename(name).startswith("eryx"))
os.unlink(name)
