# enum members and lookups, isinstance over ABCs and typing generics: metaclass-heavy code.
# half: held-out
import enum
from collections.abc import Mapping, Sequence


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


class Perm(enum.IntFlag):
    R = 4
    W = 2
    X = 1


def bench():
    total = 0
    values = [[1], {"a": 1}, (1,), "s", 3, Color.RED]
    for i in range(8000):
        c = Color((i % 3) + 1)
        total += c.value + len(c.name)
        total += Color["GREEN"] is c
        p = Perm(i % 8)
        total += int(p | Perm.R) + (Perm.W in p)
        v = values[i % len(values)]
        total += isinstance(v, Mapping) + isinstance(v, Sequence)
    return total
