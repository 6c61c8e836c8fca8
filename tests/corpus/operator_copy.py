# operator (function forms, itemgetter/attrgetter/methodcaller) and copy (shallow/deep, hooks, cycles).
import copy
import operator as op
from collections import namedtuple

print(op.add(2, 3), op.sub(2, 3), op.mul("ab", 3), op.truediv(7, 2), op.floordiv(7, 2), op.mod(-7, 3), op.pow(2, 10))
print(op.neg(5), op.pos(-5), op.abs(-3.5), op.invert(5), op.lshift(1, 10), op.rshift(1024, 3), op.and_(12, 10), op.or_(12, 10), op.xor(12, 10))
print(op.lt(1, 2), op.le(2, 2), op.eq("a", "a"), op.ne(1, 1.0), op.ge(3, 4), op.gt("b", "a"), op.not_([]), op.truth([0]), op.is_(None, None), op.is_not(1, None))
print(op.concat([1], [2]), op.contains("hello", "ell"), op.countOf([1, 2, 1, 1], 1), op.indexOf("abc", "c"), op.index(7), op.length_hint(iter(range(5))))
lst = [1, 2, 3, 4]
op.setitem(lst, 0, 99); op.delitem(lst, 1)
print(lst, op.getitem(lst, -1), op.getitem("abcdef", slice(1, 4)), op.matmul.__name__, op.call(pow, 3, 4))
x = [1]
x = op.iadd(x, [2]); y = op.imul([0], 3)
print(x, y, op.iconcat("ab", "cd"), op.ipow(3, 3))
get1 = op.itemgetter(1)
get02 = op.itemgetter(0, 2)
rows = [("b", 2, "z"), ("a", 3, "y"), ("c", 1, "x")]
print(get1("xyz"), get02("xyz"), sorted(rows, key=get1), sorted(rows, key=op.itemgetter(2, 0)), op.itemgetter("k")({"k": 1}))
P = namedtuple("P", "name addr")
A = namedtuple("A", "city zip")
people = [P("ann", A("Oslo", "0150")), P("bob", A("Bergen", "5003")), P("cy", A("Aarhus", "8000"))]
print([p.name for p in sorted(people, key=op.attrgetter("addr.city"))], op.attrgetter("name", "addr.zip")(people[1]))
upper = op.methodcaller("upper")
split_comma = op.methodcaller("split", ",", 1)
print(upper("abc"), split_comma("a,b,c"), op.methodcaller("replace", "a", "o")("banana"), repr(get02), repr(split_comma))
print(list(map(op.mul, [1, 2, 3], [4, 5, 6])), sorted({"b": 2, "a": 3, "c": 1}.items(), key=op.itemgetter(1)))

orig = {"nums": [1, 2, [3, 4]], "meta": {"tags": {"x"}, "name": "orig"}, "t": (1, [2])}
shallow = copy.copy(orig)
deep = copy.deepcopy(orig)
orig["nums"][2].append(5); orig["meta"]["name"] = "changed"; orig["t"][1].append(3)
print(shallow["nums"], shallow["meta"]["name"], shallow["t"], shallow is orig, shallow["nums"] is orig["nums"])
print(deep["nums"], deep["meta"]["name"], deep["t"], deep["nums"] is orig["nums"], deep == orig)
cyc = [1, 2]
cyc.append(cyc)
cc = copy.deepcopy(cyc)
print(cc[:2], cc[2] is cc, cc is cyc, repr(cc))
shared = [0]
pair = [shared, shared]
dp = copy.deepcopy(pair)
print(dp[0] is dp[1], dp[0] is shared, copy.deepcopy((1, 2, "s")) == (1, 2, "s"), copy.copy(42), copy.deepcopy("str"))

class Widget:
    instances = 0
    def __init__(self, name, parts):
        self.name, self.parts = name, parts
        Widget.instances += 1
    def __copy__(self):
        new = Widget.__new__(Widget)
        new.__dict__.update(self.__dict__)
        new.name = self.name + "-copy"
        return new
    def __deepcopy__(self, memo):
        new = Widget(self.name + "-deep", copy.deepcopy(self.parts, memo))
        return new
    def __repr__(self):
        return f"Widget({self.name!r}, {self.parts!r})"

w = Widget("w", [1, [2]])
c1, c2 = copy.copy(w), copy.deepcopy(w)
w.parts[1].append(3)
print(c1, c2, c1.parts is w.parts, c2.parts is w.parts, Widget.instances)
class Slotted:
    __slots__ = ("a", "b")
    def __init__(self): self.a, self.b = [1], 2
s2 = copy.deepcopy(Slotted())
print(s2.a, s2.b, copy.copy(s2).a is s2.a, copy.deepcopy(s2).a is s2.a)
