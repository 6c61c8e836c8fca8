# Dunder methods (__slots__, arithmetic, comparison, iteration, __format__, __hash__),
# descriptors with __set_name__, callable objects.
import math

class Vec:
    __slots__ = ("x", "y")
    def __init__(self, x, y): self.x, self.y = x, y
    def __repr__(self): return f"Vec({self.x}, {self.y})"
    def __eq__(self, o): return isinstance(o, Vec) and (self.x, self.y) == (o.x, o.y)
    def __hash__(self): return hash((self.x, self.y))
    def __add__(self, o): return Vec(self.x + o.x, self.y + o.y)
    def __sub__(self, o): return Vec(self.x - o.x, self.y - o.y)
    def __mul__(self, k): return Vec(self.x * k, self.y * k)
    __rmul__ = __mul__
    def __neg__(self): return Vec(-self.x, -self.y)
    def __abs__(self): return math.hypot(self.x, self.y)
    def __bool__(self): return bool(self.x or self.y)
    def __iter__(self): yield self.x; yield self.y
    def __getitem__(self, i): return (self.x, self.y)[i]
    def __lt__(self, o): return abs(self) < abs(o)
    def __format__(self, spec): return f"<{self.x:{spec}}, {self.y:{spec}}>"

a, b = Vec(3, 4), Vec(1, -2)
print(a + b, a - b, a * 2, 3 * b, -a, abs(a), bool(Vec(0, 0)), list(a), a[1], sorted([a, b, Vec(0, 1)]), f"{b:+.1f}")
print(a == Vec(3, 4), a != b, len({a, Vec(3, 4), b}), hasattr(a, "__dict__"), Vec.__slots__)
try: a.z = 1
except AttributeError as e: print("AttributeError:", e)

class Typed:
    def __init__(self, kind): self.kind = kind
    def __set_name__(self, owner, name): self.name = "_" + name
    def __get__(self, obj, objtype=None): return self if obj is None else getattr(obj, self.name, None)
    def __set__(self, obj, value):
        if not isinstance(value, self.kind): raise TypeError(f"{self.name[1:]} must be {self.kind.__name__}")
        setattr(obj, self.name, value)

class Person:
    name, age = Typed(str), Typed(int)
    def __init__(self, name, age): self.name, self.age = name, age
    def __repr__(self): return f"Person({self.name!r}, {self.age})"
    def __call__(self, greeting): return f"{greeting}, {self.name}"
    def __contains__(self, ch): return ch in self.name
    def __len__(self): return self.age

p = Person("Ada", 36)
print(p, p("Hello"), "d" in p, len(p), Person.name.kind.__name__, sorted(vars(p)))
try: p.age = "old"
except TypeError as e: print("TypeError:", e)

class Money:
    def __init__(self, cents): self.cents = cents
    def __repr__(self): return f"${self.cents // 100}.{self.cents % 100:02d}"
    def __add__(self, o): return Money(self.cents + o.cents) if isinstance(o, Money) else NotImplemented
    def __radd__(self, o): return self if o == 0 else NotImplemented  # lets sum() work
    def __index__(self): return self.cents
    def __round__(self, nd=None): return Money(round(self.cents, -2))
    def __enter__(self): print("  enter", self); return self
    def __exit__(self, et, ev, tb): print("  exit", et.__name__ if et else None); return et is ZeroDivisionError

print(sum([Money(150), Money(275), Money(5)]), round(Money(1249)), bin(Money(5)), [10, 20, 30, 40][Money(2)])
try: Money(1) + 1
except TypeError as e: print("TypeError:", e)
with Money(100) as m:
    1 / 0
print("suppressed inside", m)

class Dynamic:
    def __init__(self): object.__setattr__(self, "log", [])
    def __getattr__(self, name): return f"<auto {name}>"
    def __setattr__(self, name, value): self.log.append(name); object.__setattr__(self, name, value)
    def __delattr__(self, name): self.log.append("del " + name); object.__delattr__(self, name)

d = Dynamic(); d.x = 1; print(d.x, d.missing, d.log); del d.x; print(d.x, d.log)
class Defaults(dict):
    def __missing__(self, key): return key * 2
print(Defaults(a=1)["a"], Defaults()["zz"], Defaults().get("zz"))
