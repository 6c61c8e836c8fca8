# json.loads of documents with many small objects, strings and numbers.
# half: held-out
import json

DOC = json.dumps([{"id": i, "name": "name-\u00e9-%d" % i, "values": list(range(i % 10)),
                   "score": i / 7, "ok": bool(i % 3), "child": {"k": "v" * (i % 5)}}
                  for i in range(2500)])


def bench():
    total = 0
    for _ in range(3):
        data = json.loads(DOC)
        total += sum(len(d["values"]) + len(d["child"]["k"]) for d in data)
    return total
