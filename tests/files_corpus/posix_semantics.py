import errno
import os

with open("f", "w") as f:
    f.write("0123456789")
# O_EXCL
try:
    os.open("f", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
except FileExistsError as e:
    print("excl", e.errno == errno.EEXIST)
# O_APPEND
fd = os.open("f", os.O_WRONLY | os.O_APPEND)
os.lseek(fd, 0, os.SEEK_SET)
os.write(fd, b"AB")
os.close(fd)
print(open("f").read())
# truncation
with open("f", "r+") as f:
    f.truncate(4)
print(open("f").read(), os.path.getsize("f"))
os.truncate("f", 8)
print(open("f", "rb").read())
# seek past the end: a hole of zeros
with open("f", "r+b") as f:
    f.seek(20)
    f.write(b"Z")
print(open("f", "rb").read(), os.stat("f").st_size)
# rename over an existing file
open("g", "w").write("g")
os.rename("g", "f")
print(open("f").read(), os.path.exists("g"))
open("h", "w").write("h")
os.replace("h", "f")
print(open("f").read())
# directories
os.mkdir("d")
try:
    os.mkdir("d")
except FileExistsError:
    print("mkdir exists")
open("d/x", "w").close()
try:
    os.rmdir("d")
except OSError as e:
    print("rmdir", errno.errorcode[e.errno])
try:
    os.unlink("d")
except OSError as e:
    print("unlink dir", e.errno in (errno.EISDIR, errno.EPERM))
os.rename("d", "e")
print(sorted(os.listdir(".")), os.listdir("e"))
try:
    os.rename("e", "e/sub")
except OSError as e:
    print("into itself", errno.errorcode[e.errno])
try:
    open("missing/x", "w")
except FileNotFoundError:
    print("no parent")
try:
    open("f/x", "w")
except NotADirectoryError:
    print("not a dir")
try:
    open("e", "w")
except IsADirectoryError:
    print("is a dir")
# read-write offsets
with open("rw", "w+") as f:
    f.write("abcdef")
    f.seek(2)
    print(f.read(2), f.tell())
# writing a read-only fd
fd = os.open("rw", os.O_RDONLY)
try:
    os.write(fd, b"x")
except OSError as e:
    print("write ro", errno.errorcode[e.errno])
os.close(fd)
try:
    os.close(fd)
except OSError as e:
    print("close twice", errno.errorcode[e.errno])
