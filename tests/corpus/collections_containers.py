# collections: namedtuple, defaultdict, OrderedDict, ChainMap, UserDict/UserList/UserString.
from collections import namedtuple, defaultdict, OrderedDict, ChainMap, UserDict, UserList, UserString
import collections.abc as cabc

Point = namedtuple("Point", "x y")
Color = namedtuple("Color", ["r", "g", "b", "a"], defaults=[255])
p = Point(3, 4)
print(p, p.x, p[1], p._asdict(), p._replace(y=10), Point._fields, Point._make([7, 8]), p == (3, 4))
print(Color(1, 2, 3), Color._field_defaults, Color(1, 2, 3, 4)._asdict(), tuple(Color(9, 8, 7)))
x, y = p
print(x + y, sum(p), len(p), p.count(3), p.index(4), Point.__doc__, isinstance(p, tuple))
Odd = namedtuple("Odd", ["def", "x", "_y"], rename=True)
print(Odd._fields, Odd(1, 2, 3))

class Vec(namedtuple("VecBase", "x y z")):
    __slots__ = ()
    def __add__(self, other):
        return Vec(*(a + b for a, b in zip(self, other)))
    @property
    def norm2(self):
        return sum(c * c for c in self)

v = Vec(1, 2, 3) + Vec(10, 20, 30)
print(v, v.norm2, type(v).__name__, Vec.__mro__[1].__name__)

dd = defaultdict(list)
for word in "apple avocado banana blueberry cherry apricot bean".split():
    dd[word[0]].append(word)
print(dd)
print(dict(dd), dd["z"], sorted(dd), dd.default_factory)
counts = defaultdict(int)
for ch in "mississippi":
    counts[ch] += 1
print(sorted(counts.items()), dict(counts))
tree = lambda: defaultdict(tree)
t = tree()
t["a"]["b"]["c"] = 1
t["a"]["d"] = 2
def plain(node):
    return {k: plain(v) for k, v in node.items()} if isinstance(node, dict) else node
print(plain(t))

od = OrderedDict.fromkeys("abcde", 0)
od.move_to_end("b")
od.move_to_end("e", last=False)
print(od, list(od))
print(od.popitem(), od.popitem(last=False), list(reversed(od)), od)
print(OrderedDict(a=1, b=2) == OrderedDict(b=2, a=1), dict(a=1, b=2) == OrderedDict(b=2, a=1), od | {"z": 9})

defaults = {"color": "red", "user": "guest", "debug": False}
env = {"user": "admin"}
cli = {"debug": True}
cm = ChainMap(cli, env, defaults)
print(cm["color"], cm["user"], cm["debug"], len(cm), sorted(cm), cm.maps[1])
child = cm.new_child({"color": "blue"})
child["extra"] = 1
print(child["color"], child.maps[0], child.parents["color"], dict(sorted(child.items())))
del child["extra"]
print(list(child.maps[0].items()), "extra" in child)

class LowerDict(UserDict):
    def __setitem__(self, key, value):
        super().__setitem__(key.lower(), value)

ld = LowerDict({"A": 1})
ld["HeLLo"] = 2
print(ld, ld.data, "hello" in ld, ld.get("a"), isinstance(ld, cabc.MutableMapping))
ul = UserList([3, 1, 2])
ul.sort(); ul.append(9)
us = UserString("Hello")
print(ul, ul[1:], type(ul[1:]).__name__, us.upper(), us[::-1], us + "!", type(us.lower()).__name__)
print([issubclass(t, cabc.Sequence) for t in (list, tuple, str, dict, range)], issubclass(dict, cabc.Mapping))
