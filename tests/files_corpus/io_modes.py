import io
import os

with open("t.txt", "w", encoding="utf-8") as f:
    f.write("héllo\nwörld\n")
print(open("t.txt", "rb").read())
with open("t.txt", encoding="utf-8") as f:
    print(f.readline(), f.readlines())
with open("t.txt", "x") if False else open("new.txt", "x") as f:
    f.write("x")
try:
    open("new.txt", "x")
except FileExistsError:
    print("x mode")
with open("b.bin", "wb", buffering=0) as f:
    print(f.write(b"\x00\x01\x02"))
with open("b.bin", "ab") as f:
    f.write(b"\x03")
print(open("b.bin", "rb").read())
with open("b.bin", "r+b") as f:
    f.seek(-2, os.SEEK_END)
    print(f.read(), f.tell())
with io.open("lines.txt", "w", newline="\r\n") as f:
    f.write("a\nb\n")
print(open("lines.txt", "rb").read(), open("lines.txt").read())
fd = os.open("raw", os.O_RDWR | os.O_CREAT, 0o600)
os.write(fd, b"hello world")
print(os.pread(fd, 5, 6), os.lseek(fd, 0, os.SEEK_CUR))
os.pwrite(fd, b"W", 6)
os.lseek(fd, 0, os.SEEK_SET)
print(os.read(fd, 100))
os.ftruncate(fd, 5)
print(os.fstat(fd).st_size)
os.close(fd)
print(sorted(os.listdir(".")))
