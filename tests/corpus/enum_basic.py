# enum: Enum, IntEnum, StrEnum, Flag, IntFlag, auto, unique, aliases, _missing_, members iteration.
import enum
from enum import Enum, IntEnum, StrEnum, Flag, IntFlag, auto, unique

class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3
    CRIMSON = 1  # alias

print(Color.RED, repr(Color.GREEN), Color(3), Color["BLUE"], Color.CRIMSON is Color.RED, Color.RED.name, Color.RED.value)
print(list(Color), len(Color), list(Color.__members__), Color.RED in Color, isinstance(Color.RED, Color))
print([m.name for m in Color], {c: c.value for c in Color}[Color.BLUE], Color.RED == 1, Color.RED != Color.BLUE)
print(sorted(Color, key=lambda c: c.name), f"{Color.RED}", f"{Color.RED!r}", str(Color.BLUE), format(Color.GREEN))

class Planet(Enum):
    MERCURY = (3.303e23, 2.4397e6)
    EARTH = (5.976e24, 6.37814e6)
    def __init__(self, mass, radius):
        self.mass, self.radius = mass, radius
    @property
    def gravity(self): return 6.673e-11 * self.mass / (self.radius * self.radius)

for p in Planet:
    print(p, p.mass, p.radius, f"{p.gravity:.4f}")

class Priority(IntEnum):
    LOW = auto()
    MEDIUM = auto()
    HIGH = auto()

print(list(Priority), Priority.HIGH > Priority.LOW, Priority.MEDIUM + 10, sorted([Priority.HIGH, 1, Priority.MEDIUM]), int(Priority.HIGH))
print(f"{Priority.LOW}", str(Priority.LOW), repr(Priority.LOW), Priority(2).name, [p * 2 for p in Priority])

class Method(StrEnum):
    GET = auto()
    POST = auto()
    CUSTOM = "X-Custom"

print(list(Method), Method.GET == "get", Method.GET.upper(), f"{Method.POST}", repr(Method.CUSTOM), "".join(Method))

class Perm(Flag):
    R = auto()
    W = auto()
    X = auto()
    RW = R | W

rw = Perm.R | Perm.W
print(rw, repr(rw), Perm.R in rw, Perm.X in rw, rw & Perm.W, ~Perm.R, Perm(7), Perm(0), bool(Perm(0)), rw is Perm.RW)
print(list(Perm), list(Perm(7)), [m.name for m in rw], (Perm.R | Perm.X).value, Perm.RW.name)

class Mode(IntFlag):
    READ = 4
    WRITE = 2
    EXEC = 1

m = Mode.READ | Mode.EXEC
print(m, repr(m), int(m), m | 8, Mode(6), Mode.READ & 6, m == 5, list(m), repr(Mode(0)))

class Shape(Enum):
    SQUARE = "sq"
    CIRCLE = "ci"
    @classmethod
    def _missing_(cls, value):
        matches = [mb for mb in cls if isinstance(value, str) and mb.value == value.lower()[:2]]
        return matches[0] if matches else None

print(Shape("SQUARE"), Shape("Circle"), Shape("ci"))
for bad in [lambda: Shape("tri"), lambda: Color(9), lambda: Color["PURPLE"]]:
    try: bad()
    except (ValueError, KeyError) as e: print(type(e).__name__, e)
try:
    @unique
    class Dup(Enum):
        A = 1
        B = 1
except ValueError as e:
    print("ValueError:", e)
Animal = Enum("Animal", "ANT BEE CAT")
print(list(Animal), Animal.BEE.value, Enum("Num", {"ONE": 1, "TWO": 2}).TWO)
try: Color.RED = 5
except AttributeError as e: print("AttributeError:", e)
