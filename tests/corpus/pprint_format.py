# pprint: pformat/pprint with width, depth, compact, sort_dicts, underscore_numbers, dataclasses, recursion.
import pprint
import re
from dataclasses import dataclass, field
from collections import OrderedDict, defaultdict, Counter, deque

data = {
    "zeta": list(range(30)),
    "alpha": {"nested": {"deeper": {"deepest": [1, 2, 3]}}, "tuple": (1, "two", 3.0)},
    "mid": ["a" * 30, "b" * 30, "c" * 30],
    "numbers": {"big": 12345678901234567890, "neg": -42, "float": 2.5e-10},
    "empty": [{}, [], (), ""],
}
pprint.pprint(data)
print(pprint.pformat(data, width=40, depth=2))
print(pprint.pformat(data, width=120, sort_dicts=False))
pprint.pprint(list(range(40)), width=50, compact=True)
pprint.pprint(list(range(40)), width=50)
pprint.pprint({"n": 1234567890, "m": [10**12, 5_000]}, underscore_numbers=True)
pprint.pp({"b": 1, "a": [1, 2]}, width=10)
print(pprint.pformat("a long string " * 8, width=40))
print(pprint.pformat(b"bytes " * 10, width=30))
print(pprint.pformat(tuple(range(3))), pprint.pformat((1,)), pprint.pformat([]), pprint.pformat(set()))
print(pprint.pformat({3, 1, 2}), pprint.pformat(frozenset({5, 4})), pprint.pformat({1: {2: {3: {4: 5}}}}, depth=2))

@dataclass
class Address:
    street: str
    city: str
    zip_code: str = "00000"

@dataclass
class Person:
    name: str
    age: int
    addresses: list = field(default_factory=list)
    tags: dict = field(default_factory=dict)

p = Person("Ada Lovelace", 36, [Address("12 Analytical Engine Rd", "London", "N1"), Address("1 Byron Ct", "Harrow")],
           {"role": "mathematician", "born": 1815})
pprint.pprint(p)
pprint.pprint(p, width=200)
od = OrderedDict([("z", 1), ("a", [1, 2, 3] * 8)])
pprint.pprint(od)
dd = defaultdict(list, {"k": list(range(25)), "j": ["x"]})
pprint.pprint(dd, width=60)
pprint.pprint(Counter("mississippi banana"), width=40)
pprint.pprint(deque(range(30), maxlen=40), width=50)
rec = {"self": None, "list": [1, 2]}
rec["self"] = rec
rec["list"].append(rec["list"])
no_ids = lambda text: re.sub(r"id=\d+", "id=N", text)  # recursion markers embed id()
print(no_ids(pprint.pformat(rec)), pprint.isrecursive(rec), pprint.isreadable(rec), pprint.isreadable({"ok": [1]}))
print(no_ids(pprint.saferepr(rec)), pprint.saferepr([1, "a", None]))
pp = pprint.PrettyPrinter(indent=4, width=30, depth=3)
pp.pprint([[1, [2, [3, [4, [5]]]]], {"key": "value" * 3}])
print(pp.pformat({"k" + str(i): i * i for i in range(6)}))
