# The standard library's files have a real modification time (in the sandbox,
# the build's: tools/pack_stdlib.py), so zipfile, which cannot store a date
# before 1980, can archive them, and linecache/tarfile see a sane date.
import datetime
import os
import tarfile
import zipfile

Y2K = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
for path in (os.__file__, os.path.dirname(os.__file__), zipfile.__file__):
    st = os.stat(path)
    print(st.st_mtime > Y2K, st.st_atime > Y2K, st.st_ctime > Y2K)
    with open(path if os.path.isfile(path) else os.__file__, "rb") as f:
        print(os.fstat(f.fileno()).st_mtime > Y2K)

with zipfile.ZipFile("stdlib.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write(os.__file__, "os.py")
    z.write(os.path.dirname(os.__file__) + "/json", "json")  # a directory
    z.write(zipfile.__file__, "zipfile.py")
with zipfile.ZipFile("stdlib.zip") as z:
    info = z.getinfo("os.py")
    print(info.date_time[0] >= 2000, z.getinfo("json/").is_dir())
    print(z.read("os.py") == open(os.__file__, "rb").read(), z.testzip())
    zinfo = zipfile.ZipInfo.from_file(os.__file__)
    print(zinfo.date_time == info.date_time)

with tarfile.open("stdlib.tar", "w") as t:
    t.add(os.__file__, "os.py")
with tarfile.open("stdlib.tar") as t:
    member = t.getmember("os.py")
    print(member.mtime == int(os.stat(os.__file__).st_mtime), member.size > 1000)
