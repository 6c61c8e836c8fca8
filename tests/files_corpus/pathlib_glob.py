import fileinput
import glob
import os
from pathlib import Path

base = Path("proj")
(base / "pkg").mkdir(parents=True)
for n in ("one.py", "two.py", "readme.md", "pkg/three.py"):
    (base / n).write_text("# %s\nprint(1)\n" % n)
print(sorted(str(p) for p in base.rglob("*.py")))
print(sorted(glob.glob("proj/*.py")), sorted(glob.glob("proj/**/*.py", recursive=True)))
p = base / "one.py"
print(p.read_text().splitlines()[0], p.stat().st_size, p.suffix, p.stem, p.exists())
p.rename(base / "uno.py")
print(sorted(x.name for x in base.iterdir()))
with fileinput.input(files=[str(base / "uno.py"), str(base / "two.py")]) as f:
    for line in f:
        print(fileinput.filename(), fileinput.lineno(), line.rstrip())
with fileinput.input(files=[str(base / "two.py")], inplace=True) as f:
    for line in f:
        print(line.upper(), end="")
print((base / "two.py").read_text(), end="")
print(Path("proj/pkg/../uno.py").resolve() == Path("proj/uno.py").resolve())
print(Path.cwd() == Path(os.getcwd()), Path("proj").is_dir(), Path("nope").exists())
(base / "empty").mkdir()
(base / "empty").rmdir()
(base / "readme.md").unlink()
print(sorted(x.name for x in base.iterdir()))
