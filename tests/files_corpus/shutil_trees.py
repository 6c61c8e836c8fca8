import os
import shutil
import tarfile
import zipfile

os.makedirs("src/sub/deep")
for i, name in enumerate(["a.txt", "sub/b.txt", "sub/deep/c.txt"]):
    with open(os.path.join("src", name), "w") as f:
        f.write("file %d\n" % i * (i + 1))
shutil.copytree("src", "dst")
print(sorted(os.path.relpath(os.path.join(r, f), "dst") for r, _, fs in os.walk("dst") for f in fs))
shutil.copy2("src/a.txt", "copy.txt")
print(open("copy.txt").read(), end="")
shutil.move("copy.txt", "moved.txt")
print(os.path.exists("copy.txt"), os.path.exists("moved.txt"))
name = shutil.make_archive("backup", "tar", "src")
print(os.path.basename(name))
with tarfile.open(name) as t:
    print(sorted(m.name for m in t.getmembers()))
    t.extractall("untarred")
print(open("untarred/sub/deep/c.txt").read(), end="")
with zipfile.ZipFile("z.zip", "w", zipfile.ZIP_STORED) as z:
    z.write("src/a.txt", "a.txt")
    z.writestr("note.txt", "a note")
with zipfile.ZipFile("z.zip") as z:
    print(z.namelist(), z.read("note.txt"))
shutil.rmtree("src")
shutil.rmtree("dst")
print(sorted(os.listdir(".")))
