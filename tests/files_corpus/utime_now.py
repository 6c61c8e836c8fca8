# os.utime() without times, and pathlib's touch() of an existing file, set
# the current time (under WASI, wasi-libc would read a NULL times array: see
# patches/cpython-3.11-wasi-utime-now.patch); explicit times are kept.
import os
import pathlib
import time
import zipfile

open("f.txt", "w").write("x")
os.utime("f.txt", (1e9, 1.5e9))
st = os.stat("f.txt")
print(st.st_atime, st.st_mtime)
before = time.time()
os.utime("f.txt")
print(abs(os.stat("f.txt").st_mtime - before) < 5, abs(os.stat("f.txt").st_atime - before) < 5)
os.utime("f.txt", ns=(10**18, 2 * 10**18))
print(os.stat("f.txt").st_mtime_ns)
with open("f.txt") as f:
    os.utime(f.fileno())
print(abs(os.stat("f.txt").st_mtime - before) < 5)
os.utime("f.txt", (0, 0))
pathlib.Path("f.txt").touch()
print(abs(os.stat("f.txt").st_mtime - before) < 5)
with zipfile.ZipFile("a.zip", "w") as z:
    z.write("f.txt")
print(zipfile.ZipFile("a.zip").namelist())
