# functools: reduce, partial, total_ordering, singledispatch, cmp_to_key, partialmethod.
import functools
import operator

print(functools.reduce(operator.add, range(1, 11)), functools.reduce(lambda a, b: a * b, [1, 2, 3, 4], 10))
print(functools.reduce(lambda acc, w: acc + [len(w)], "the quick brown".split(), []))
base2 = functools.partial(int, base=2)
print(base2("1011"), base2("11111111"), base2.func.__name__, base2.args, base2.keywords)
clamp = functools.partial(lambda lo, hi, x: max(lo, min(hi, x)), 0, 10)
print([clamp(v) for v in (-5, 3, 42)], functools.partial(pow, 2)(10), functools.partial(functools.partial(pow, 3), 4)())

@functools.total_ordering
class Version:
    def __init__(self, s): self.parts = tuple(int(p) for p in s.split("."))
    def __eq__(self, o): return self.parts == o.parts
    def __lt__(self, o): return self.parts < o.parts
    def __repr__(self): return "v" + ".".join(map(str, self.parts))

vs = [Version(s) for s in ["1.10", "1.2", "1.2.1", "0.9", "1.2"]]
print(sorted(vs), max(vs), Version("2.0") >= Version("1.99"), Version("1.0") > Version("1.0"), Version("1") <= Version("1.0"))

@functools.singledispatch
def describe(x): return f"object {type(x).__name__}"

@describe.register
def _(x: int): return f"int {x:+d}"

@describe.register(list)
@describe.register(tuple)
def _(x):
    return f"sequence of {len(x)}: " + ", ".join(describe(i) for i in x)

@describe.register
def _(x: bool): return f"bool {x}"

print([describe(v) for v in (5, True, 2.5, "s", [1, (2, False)], None)])
print(sorted(t.__name__ for t in describe.registry), describe.dispatch(bool).__name__)

def cmp(a, b):
    return (len(a) > len(b)) - (len(a) < len(b)) or (a > b) - (a < b)
print(sorted(["pear", "fig", "banana", "kiwi", "apple", "date"], key=functools.cmp_to_key(cmp)))

class Cell:
    state = None
    def set_state(self, s): self.state = s
    on = functools.partialmethod(set_state, "on")
    off = functools.partialmethod(set_state, "off")

cell = Cell(); cell.on(); s1 = cell.state; cell.off()
print(s1, cell.state)
