class Bag:
    def __init__(self, items):
        self._items = list(items)

    def _count(self):
        return len(self._items)

    def __len__(self):
        return self._count()

    def __eq__(self, other):
        return self._items == other._items

    def __repr__(self):
        return "Bag(%d)" % len(self)


a = Bag([1, 2])
b = Bag([1, 2])
print(a == b, len(a))
print(repr(a), f"{a!r}")
