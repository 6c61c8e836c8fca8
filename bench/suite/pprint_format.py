# pprint.pformat of nested data (pure Python recursion over reprs).
# half: held-out
import pprint

DATA = [{"key%d" % i: [list(range(i % 8)), {"name": "n" * (i % 20), "vals": (i, i * 2.5)}],
         "set": set(range(i % 6)), "t": tuple("abc" * (i % 4))} for i in range(400)]


def bench():
    wide = pprint.pformat(DATA, width=120)
    narrow = pprint.pformat(DATA[:150], width=40, sort_dicts=False)
    return len(wide), len(narrow), pprint.isreadable(DATA[:20])
