"""The filesystem from Python: files= and the file methods, fs quotas,
volumes, packages (Debian's Jinja2 and PyYAML), snapshots as templates and
signed snapshots."""
import errno
import os
import pathlib

import pytest

import eryx

DIST = "/usr/lib/python3/dist-packages"


def test_files_in_and_report_out():
    sb = eryx.Sandbox(files={"/data/in.csv": "a,b\n1,2\n3,4\n", "/data/raw.bin": b"\x00\xff"})
    r = sb.execute(
        "import csv\n"
        "rows = list(csv.reader(open('in.csv')))\n"
        "open('report.txt', 'w').write(str(sum(int(x) for r in rows[1:] for x in r)))\n"
        "result = open('raw.bin', 'rb').read().hex()")
    assert r.result == "00ff"
    assert sb.read_file("/data/report.txt") == b"10"
    names = [(e["name"], e["type"]) for e in sb.list_dir()]
    assert names == [("in.csv", "file"), ("raw.bin", "file"), ("report.txt", "file")]
    assert sb.list_dir("/data")[0]["size"] == len("a,b\n1,2\n3,4\n")


def test_stateless_runs_start_from_the_configured_files():
    sb = eryx.Sandbox(files={"/data/keep.txt": "k"})
    sb.execute("open('new.txt', 'w').write('n')\nimport os\nos.remove('keep.txt')")
    r = sb.execute("import os\nresult = sorted(os.listdir('.'))")
    assert r.result == ["keep.txt"]
    # write_file changes what every later execution starts from.
    sb.write_file("/data/added.txt", "a")
    assert sb.execute("result = open('added.txt').read()").result == "a"
    sb.remove_file("/data/added.txt")
    assert sb.execute("import os\nresult = os.path.exists('added.txt')").result is False


def test_session_files_persist_until_reset():
    s = eryx.Session()
    s.execute("open('/tmp/x', 'w').write('1')")
    assert s.read_file("/tmp/x") == b"1"
    s.write_file(pathlib.PurePosixPath("/data/y"), bytearray(b"22"))
    assert s.execute("result = open('y').read()").result == "22"
    s.reset()
    with pytest.raises(FileNotFoundError):
        s.read_file("/data/y")


def test_file_method_errors():
    sb = eryx.Sandbox()
    with pytest.raises(FileNotFoundError) as e:
        sb.read_file("/data/none")
    assert e.value.errno == errno.ENOENT and e.value.filename == "/data/none"
    for bad in ("relative.txt", "/lib/python3.11/os.py", "/data/../etc/passwd", "/data"):
        with pytest.raises(ValueError):
            sb.read_file(bad)
    with pytest.raises(ValueError):
        sb.read_file("/data/a\0b")
    with pytest.raises(TypeError):
        sb.write_file("/data/x", 5)
    with pytest.raises(TypeError):
        sb.read_file(7)
    with pytest.raises(FileNotFoundError):
        sb.list_dir("/nope")
    sb.write_file("/data/d/f", b"")
    with pytest.raises(ValueError):
        sb.remove_file("/data/d")  # not empty
    sb.close()
    with pytest.raises(eryx.Error):
        sb.read_file("/data/d/f")


def test_fs_quotas_from_python():
    sb = eryx.Sandbox(fs_limit=100_000, fs_max_files=50, fs_max_fds=8)
    r = sb.execute(
        "import errno\n"
        "try:\n"
        "    open('big', 'wb').write(b'x' * 200_000)\n"
        "except OSError as e:\n"
        "    result = [errno.errorcode[e.errno]]\n"
        "fs = []\n"
        "try:\n"
        "    for i in range(20): fs.append(open(f'f{i}', 'w'))\n"
        "except OSError as e:\n"
        "    result.append(errno.errorcode[e.errno])\n")
    assert r.result == ["ENOSPC", "EMFILE"]
    with pytest.raises(OSError) as e:
        sb.write_file("/data/big", b"y" * 200_000)
    assert e.value.errno == errno.ENOSPC
    for bad in (dict(fs_max_fds=0), dict(fs_max_fds=2000), dict(fs_limit=-1),
                dict(fs_max_files="3")):
        with pytest.raises((ValueError, TypeError)):
            eryx.Sandbox(**bad)


def test_volumes_read_write_and_read_only(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "data.txt").write_text("host data")
    (tmp_path / "out").mkdir()
    sb = eryx.Sandbox(volumes=[(tmp_path / "in", "/in", True), (str(tmp_path / "out"), "/out")])
    r = sb.execute(
        "import errno\n"
        "text = open('/in/data.txt').read()\n"
        "open('/out/copy.txt', 'w').write(text.upper())\n"
        "try:\n"
        "    open('/in/new', 'w')\n"
        "except OSError as e:\n"
        "    result = errno.errorcode[e.errno]\n")
    assert r.result == "EROFS"
    assert (tmp_path / "out" / "copy.txt").read_text() == "HOST DATA"
    assert not (tmp_path / "in" / "new").exists()
    # Confinement: a symlink out of the volume leads nowhere.
    os.symlink("/etc", tmp_path / "in" / "etc")
    r = sb.execute("import os\ntry:\n    open('/in/etc/passwd')\n"
                   "except OSError as e:\n    result = e.errno\n")
    assert r.result is not None
    # The file methods do not reach volumes.
    with pytest.raises(ValueError):
        sb.read_file("/in/data.txt")
    for bad in ([("/no/such/dir", "/x")], [(str(tmp_path), "relative")],
                [(str(tmp_path), "/lib")], [(str(tmp_path), "/a"), (str(tmp_path), "/a")]):
        with pytest.raises(ValueError):
            eryx.Sandbox(volumes=bad)
    with pytest.raises(TypeError):
        eryx.Sandbox(volumes=["/tmp:/x"])


def test_volume_write_budget(tmp_path):
    sb = eryx.Sandbox(volumes=[(tmp_path, "/out")], volume_write_budget=1000)
    r = sb.execute("import errno\ntry:\n    with open('/out/f', 'wb') as f:\n"
                   "        f.write(b'x' * 5000)\n"
                   "except OSError as e:\n    result = errno.errorcode[e.errno]\n")
    assert r.result == "EDQUOT"
    assert os.path.getsize(tmp_path / "f") <= 1000


@pytest.mark.skipif(not os.path.isdir(DIST + "/jinja2"), reason="python3-jinja2 not installed")
def test_packages_and_a_snapshot_as_template():
    packages = [DIST + "/jinja2", DIST + "/markupsafe", DIST + "/yaml"]
    setup = eryx.Session(packages=packages)
    setup.execute("import jinja2, yaml\n"
                  "template = jinja2.Template('Hello {{ name|e }}!')\n"
                  "open('/data/prepared', 'w').write('yes')")
    blob = setup.snapshot()
    sb = eryx.Sandbox(packages=packages, snapshot=blob)
    for name in ("<b>", "world"):
        r = sb.execute(f"result = template.render(name={name!r})")
        assert r.result == "Hello %s!" % name.replace("<", "&lt;").replace(">", "&gt;")
    # Each execution starts from the snapshot again, files included.
    sb.execute("del template\nimport os\nos.remove('/data/prepared')")
    assert sb.execute("result = open('/data/prepared').read()").result == "yes"
    assert sb.execute("result = yaml.safe_load('[1, 2]')").result == [1, 2]
    # A session from the template resets to it.
    s = eryx.Session(packages=packages, snapshot=blob)
    s.execute("template = None")
    s.reset()
    assert s.execute("result = template.render(name='x')").result == "Hello x!"
    with pytest.raises(ValueError, match="package"):
        eryx.Sandbox(packages=["/no/such/package"])
    with pytest.raises(TypeError):
        eryx.Sandbox(packages=DIST + "/yaml")


def test_snapshot_template_errors_and_signed_snapshots():
    with pytest.raises(ValueError, match="snapshot"):
        eryx.Sandbox(snapshot=b"not a snapshot")
    with pytest.raises(TypeError):
        eryx.Sandbox(snapshot="text")
    key = b"k" * 32
    s = eryx.Session(snapshot_key=key)
    s.execute("x = 5")
    signed = s.snapshot()
    assert eryx.Sandbox(snapshot=signed, snapshot_key=key).execute("result = x").result == 5
    with pytest.raises(ValueError):
        eryx.Sandbox(snapshot=signed, snapshot_key=b"other")
    unsigned = eryx.Session()
    unsigned.execute("x = 6")
    with pytest.raises(ValueError):
        eryx.Session.restore(unsigned.snapshot(), snapshot_key=key)
    for bad in (b"", b"k" * 65):
        with pytest.raises(ValueError):
            eryx.Session(snapshot_key=bad)


def test_archives_made_in_the_guest_unpack_readable():
    # WASI has no permission bits; files report those of the usual umask, so
    # that archives keep readable modes (patches/cpython-3.11-wasi-stat-mode.patch).
    import io
    import stat
    import tarfile
    import zipfile
    sb = eryx.Sandbox()
    r = sb.execute(
        "import os, shutil, stat, zipfile\n"
        "os.makedirs('src/sub', exist_ok=True)\n"
        "open('src/sub/a.txt', 'w').write('a')\n"
        "shutil.make_archive('/data/out', 'gztar', 'src')\n"
        "with zipfile.ZipFile('/data/out.zip', 'w') as z:\n"
        "    z.write('src/sub/a.txt')\n"
        "result = [stat.filemode(os.stat(p).st_mode) for p in ('src/sub/a.txt', 'src/sub')]\n")
    assert r.result == ["-rw-r--r--", "drwxr-xr-x"]
    with tarfile.open(fileobj=io.BytesIO(sb.read_file("/data/out.tar.gz"))) as t:
        modes = {m.name: m.mode for m in t.getmembers()}
    assert modes["./sub/a.txt"] == 0o644 and modes["./sub"] == 0o755, modes
    with zipfile.ZipFile(io.BytesIO(sb.read_file("/data/out.zip"))) as z:
        assert stat.S_IMODE(z.getinfo("src/sub/a.txt").external_attr >> 16) == 0o644
