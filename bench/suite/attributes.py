# Attribute access: __slots__, properties, dataclasses, getattr/setattr, class attributes.
# half: held-out
import dataclasses


@dataclasses.dataclass
class Config:
    name: str
    size: int = 0
    scale: float = 1.0


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a, self.b = a, b


class Props:
    unit = 3

    def __init__(self, v):
        self._v = v

    @property
    def v(self):
        return self._v

    @v.setter
    def v(self, value):
        self._v = value


def bench():
    total = 0
    configs = [Config("c%d" % i, i) for i in range(20000)]
    for c in configs:
        c.scale = c.size * 0.5
        total += c.size + int(c.scale)
    s = Slotted(1, 2)
    p = Props(0)
    for i in range(120000):
        s.a = i
        total += s.a + s.b
        p.v = p.v + Props.unit
        total += getattr(s, "b")
    total += p.v
    return total, configs[10] == Config("c10", 10, 5.0)
