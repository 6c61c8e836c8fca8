import os
import stat
import time

open("data.txt", "w").write("content")
os.link("data.txt", "hard.txt")
a, b = os.stat("data.txt"), os.stat("hard.txt")
print(a.st_ino == b.st_ino, a.st_nlink, os.path.samefile("data.txt", "hard.txt"))
open("hard.txt", "a").write("+")
print(open("data.txt").read())
os.unlink("data.txt")
print(os.stat("hard.txt").st_nlink, open("hard.txt").read())
os.symlink("hard.txt", "soft")
print(os.readlink("soft"), os.path.islink("soft"), open("soft").read())
print(stat.S_ISLNK(os.lstat("soft").st_mode), stat.S_ISREG(os.stat("soft").st_mode))
os.mkdir("dir")
os.symlink("../hard.txt", "dir/up")
print(open("dir/up").read())
os.symlink("dir", "dirlink")
print(os.listdir("dirlink"), os.path.realpath("dirlink/up") == os.path.realpath("hard.txt"))
os.symlink("nowhere", "dangling")
print(os.path.exists("dangling"), os.path.lexists("dangling"))
os.symlink("loop2", "loop1")
os.symlink("loop1", "loop2")
try:
    open("loop1")
except OSError as e:
    print("loop", type(e).__name__)
os.unlink("loop1")
os.unlink("loop2")
os.unlink("soft")
print(os.path.exists("hard.txt"))
# inode numbers: distinct, and stable across stats
names = ["i%d" % i for i in range(5)]
for n in names:
    open(n, "w").close()
inos = [os.stat(n).st_ino for n in names]
print(len(set(inos)) == 5, inos == [os.stat(n).st_ino for n in names])
# times
os.utime("i0", (1000000000, 1500000000))
st = os.stat("i0")
print(int(st.st_atime), int(st.st_mtime))
os.utime("i0", ns=(5 * 10**18, 6 * 10**18))
print(os.stat("i0").st_mtime_ns)
before = time.time()
open("i1", "w").write("x")
print(abs(os.stat("i1").st_mtime - before) < 60)
# scandir
with os.scandir(".") as it:
    entries = sorted((e.name, e.is_dir(), e.is_file(), e.is_symlink()) for e in it)
for e in entries:
    print(e)
print(os.stat(".").st_nlink >= 2, os.path.isdir("."))
