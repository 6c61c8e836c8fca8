# sqlite3 on :memory: databases: SQL, transactions, savepoints, adapters,
# user functions, backup, serialize, iterdump, blobs and errors.
import datetime
import decimal
import sqlite3

print(sqlite3.sqlite_version, sqlite3.apilevel, sqlite3.paramstyle)  # threadsafety: 0 in the guest
con = sqlite3.connect(":memory:", detect_types=sqlite3.PARSE_DECLTYPES)
con.execute("create table item (id integer primary key, name text unique, price real, qty int)")
con.executemany("insert into item (name, price, qty) values (?, ?, ?)",
                [("apple", 0.5, 10), ("pear", 0.75, 3), ("fig", 2.25, 0), ("kiwi", None, 7)])
con.commit()
print(con.execute("select count(*), sum(qty), round(avg(price), 4) from item").fetchone())
for row in con.execute("select name, price * qty as total from item order by total desc nulls last"):
    print(row)
print(con.execute("select group_concat(name, '|') from (select name from item order by name)").fetchone())
print(con.execute("select json_object('n', name, 'q', qty) from item where id = 1").fetchone())
print(con.execute("select upper(name), length(name), substr(name, 2, 2), hex(name) from item limit 2").fetchall())
print(con.execute("select 7 / 2, 7 / 2.0, 7 % 3, abs(-4), max(1, 5, 3), typeof(1e3), typeof(x'00')").fetchone())

# transactions: rollback, the context manager, savepoints
con.execute("update item set qty = qty + 100")
con.rollback()
print(con.execute("select sum(qty) from item").fetchone(), con.in_transaction)
try:
    with con:
        con.execute("insert into item (name, price, qty) values ('plum', 1.0, 1)")
        con.execute("insert into item (name, price, qty) values ('plum', 1.0, 1)")
except sqlite3.IntegrityError as exc:
    print("IntegrityError:", exc)
print(con.execute("select count(*) from item where name = 'plum'").fetchone())
con.isolation_level = None  # autocommit: explicit BEGIN / SAVEPOINT
con.execute("begin")
con.execute("insert into item (name, qty) values ('lime', 4)")
con.execute("savepoint sp")
con.execute("delete from item")
con.execute("rollback to sp")
con.execute("release sp")
con.execute("commit")
print(con.execute("select name from item order by id").fetchall())
con.isolation_level = ""

# row factories, adapters and converters
con.row_factory = sqlite3.Row
row = con.execute("select id, name as label from item where name = ?", ("pear",)).fetchone()
print(row.keys(), row["label"], row[0], tuple(row), dict(row))
con.row_factory = None
con.execute("create table ev (d date, ts timestamp, amount text)")
sqlite3.register_adapter(decimal.Decimal, str)
sqlite3.register_converter("amount", lambda b: decimal.Decimal(b.decode()))
con.execute("insert into ev values (?, ?, ?)",
            (datetime.date(2024, 2, 29), datetime.datetime(2024, 3, 1, 12, 30, 5), decimal.Decimal("1.10")))
print(con.execute("select d, ts, amount from ev").fetchone())
print(con.execute('select amount as "a [amount]" from ev').fetchone())
con.commit()

# user functions, aggregates, collations
con.create_function("rev", 1, lambda s: s[::-1], deterministic=True)
class Product:
    def __init__(self):
        self.value = 1
    def step(self, x):
        self.value *= x
    def finalize(self):
        return self.value
con.create_aggregate("product", 1, Product)
con.create_collation("bylen", lambda a, b: (len(a) > len(b)) - (len(a) < len(b)))
print(con.execute("select rev(name) from item order by name collate bylen, name").fetchall())
print(con.execute("select product(qty) from item where qty > 0").fetchone())
try:
    con.execute("select rev(1, 2)")
except sqlite3.OperationalError as exc:
    print("OperationalError:", exc)

# several connections: a shared-cache memory database, and backup/serialize
uri = "file:shared_mem?mode=memory&cache=shared"
a = sqlite3.connect(uri, uri=True)
b = sqlite3.connect(uri, uri=True)
a.execute("create table t (x)")
a.execute("insert into t values (1), (2)")
a.commit()
print(b.execute("select sum(x) from t").fetchone())
copy = sqlite3.connect(":memory:")
con.backup(copy)
print(copy.execute("select count(*) from item").fetchone())
image = con.serialize()
print(image[:16], len(image) % 4096 == 0)
clone = sqlite3.connect(":memory:")
clone.deserialize(image)
print(clone.execute("select name from item order by id desc limit 2").fetchall())
dump = list(con.iterdump())
print(len(dump), dump[0], dump[1][:40])
print(con.execute("pragma journal_mode").fetchone(), con.execute("pragma journal_mode=wal").fetchone())

# blobs and errors
con.execute("create table files (data blob)")
con.execute("insert into files values (zeroblob(64))")
with con.blobopen("files", "data", 1) as blob:
    blob.write(b"header")
    blob.seek(60)
    blob.write(b"tail")
    blob.seek(0)
    print(len(blob), blob.read(8))
print(con.execute("select hex(substr(data, 59, 6)) from files").fetchone())
for sql in ("select * from nowhere", "selec 1", "insert into item (id) values (1)"):
    try:
        con.execute(sql)
    except sqlite3.Error as exc:
        print(type(exc).__name__, exc, getattr(exc, "sqlite_errorname", None))
print(sqlite3.complete_statement("select 1;"), sqlite3.complete_statement("select 1"))
con.close()
try:
    con.execute("select 1")
except sqlite3.ProgrammingError as exc:
    print("ProgrammingError:", exc)
