# pickle.dumps and loads of builtin containers (the C accelerator).
# half: train
import pickle

DATA = {"ints": list(range(3000)), "floats": [i * 0.5 for i in range(2000)],
        "strs": ["s%d" % i for i in range(2000)], "tuples": [(i, str(i)) for i in range(1500)],
        "nested": [{"a": i, "b": [i, {"c": i}]} for i in range(1000)]}


def bench():
    size = 0
    for protocol in (2, 4, 5):
        for _ in range(9):
            blob = pickle.dumps(DATA, protocol)
            size += len(blob)
            back = pickle.loads(blob)
    return size, back == DATA
