# json.dumps of nested data, compact and indented (the indented one is pure Python).
# half: train
import json


def make_data():
    return [{"id": i, "name": "item %d" % i, "tags": ["a", "b", "c%d" % (i % 7)],
             "price": i * 1.25, "active": i % 2 == 0, "meta": {"x": i, "y": None,
                                                                 "z": [i, i + 1]}}
            for i in range(3500)]


def bench():
    data = make_data()
    compact = json.dumps(data)
    indented = json.dumps(data[:800], indent=2, sort_keys=True)
    return len(compact), len(indented)
