# sqlite3 on files: a database in a temporary directory, several connections
# to it in one program (locking between them), reopening, journal files.
import os
import sqlite3
import tempfile

tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "shop.db")
con = sqlite3.connect(path)
con.execute("create table item (name text primary key, qty int)")
con.executemany("insert into item values (?, ?)", [("apple", 3), ("pear", 5)])
con.commit()
print(sorted(os.listdir(tmp)), os.path.getsize(path) % 512 == 0)
print(con.execute("pragma journal_mode").fetchone(), con.execute("pragma page_size").fetchone())

# a second connection sees committed data only, and is locked out while the
# first one writes
other = sqlite3.connect(path, timeout=0)
con.execute("insert into item values ('fig', 1)")
print(con.in_transaction, other.execute("select count(*) from item").fetchone())
try:
    other.execute("insert into item values ('kiwi', 2)")
except sqlite3.OperationalError as exc:
    print("OperationalError:", exc)
con.commit()
print(other.execute("select count(*) from item").fetchone())
other.execute("insert into item values ('kiwi', 2)")
other.commit()
print(con.execute("select name from item order by name").fetchall())

# a reader's shared lock blocks a writer's commit, not its reads
reader = sqlite3.connect(path, timeout=0, isolation_level=None)
reader.execute("begin")
print(reader.execute("select sum(qty) from item").fetchone())
con.execute("update item set qty = qty + 10")
try:
    con.commit()
except sqlite3.OperationalError as exc:
    print("OperationalError:", exc)
reader.execute("commit")
con.commit()
print(reader.execute("select sum(qty) from item").fetchone())

# rollback journal modes, vacuum, and reopening after close
for mode in ("truncate", "persist", "delete", "memory"):
    print(mode, con.execute("pragma journal_mode=%s" % mode).fetchone())
con.execute("vacuum")
for c in (con, other, reader):
    c.close()
con = sqlite3.connect(path)
print(con.execute("select name, qty from item order by qty").fetchall())
print(con.execute("pragma integrity_check").fetchone())
backup_path = os.path.join(tmp, "copy.db")
with sqlite3.connect(backup_path) as copy:
    con.backup(copy)
con.close()
print(sqlite3.connect(backup_path).execute("select count(*) from item").fetchone())
uri = "file:%s?mode=ro" % path
ro = sqlite3.connect(uri, uri=True)
try:
    ro.execute("delete from item")
except sqlite3.OperationalError as exc:
    print("OperationalError:", exc)
ro.close()
for name in sorted(os.listdir(tmp)):
    os.remove(os.path.join(tmp, name))
os.rmdir(tmp)
print(os.path.exists(tmp))
