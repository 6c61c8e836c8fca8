import dbm.dumb
import os
import shelve

with shelve.Shelf(dbm.dumb.open("store", "c")) as db:
    db["a"] = [1, 2, 3]
    db["b"] = {"x": "y"}
with shelve.Shelf(dbm.dumb.open("store", "r")) as db:
    print(sorted(db.keys()), db["a"], db["b"])
with shelve.Shelf(dbm.dumb.open("store", "w")) as db:
    del db["a"]
    db["c"] = "z" * 1000
with shelve.Shelf(dbm.dumb.open("store", "r")) as db:
    print(sorted(db.keys()), len(db["c"]))
print(sorted(os.listdir(".")))
