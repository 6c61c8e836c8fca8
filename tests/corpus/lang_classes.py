# Classes: inheritance, MRO and cooperative super(), properties, class/static methods,
# __init_subclass__, abstract base classes.
from abc import ABC, abstractmethod
import math

class Shape(ABC):
    registry = []
    def __init_subclass__(cls, /, sides=0, **kw):
        super().__init_subclass__(**kw)
        cls.sides = sides
        Shape.registry.append(cls.__name__)
    @abstractmethod
    def area(self): ...
    def describe(self):
        return f"{type(self).__name__} with {self.sides} sides, area {self.area():.3f}"

class Rect(Shape, sides=4):
    def __init__(self, w, h):
        self._w, self._h = w, h
    @property
    def width(self):
        return self._w
    @width.setter
    def width(self, value):
        if value <= 0:
            raise ValueError("width must be positive")
        self._w = value
    def area(self):
        return self._w * self._h
    @classmethod
    def square(cls, s):
        return cls(s, s)
    @staticmethod
    def unit():
        return "m^2"

class Square(Rect, sides=4):
    def __init__(self, s):
        super().__init__(s, s)
    def describe(self):
        return "Square! " + super().describe()

class Circle(Shape):
    def __init__(self, r):
        self.r = r
    def area(self):
        return math.pi * self.r ** 2

shapes = [Rect(2, 3), Square(2), Rect.square(3), Circle(1)]
for s in shapes:
    print(s.describe())
print(Shape.registry, [c.__name__ for c in Square.__mro__], Rect.unit(), isinstance(shapes[1], Rect), issubclass(Square, Shape))
r = Rect(1, 1); r.width = 5
print(r.width, r.area())
try: r.width = -1
except ValueError as e: print("ValueError:", e)
try: Shape()
except TypeError as e: print("TypeError:", e)

class A:
    def who(self): return "A"
class B(A):
    def who(self): return "B>" + super().who()
class C(A):
    def who(self): return "C>" + super().who()
class D(B, C):
    def who(self): return "D>" + super().who()
print(D().who(), [k.__name__ for k in D.mro()], D.__bases__[1].__name__, type(D()).__qualname__, D.__module__)
