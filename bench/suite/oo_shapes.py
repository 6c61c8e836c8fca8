# Object-oriented dispatch: a class hierarchy, super(), properties, dunders.
# half: train


class Shape:
    count = 0

    def __init__(self, name):
        self.name = name
        Shape.count += 1

    def area(self):
        raise NotImplementedError

    def describe(self):
        return "%s:%d" % (self.name, int(self.area()))

    def __lt__(self, other):
        return self.area() < other.area()


class Rect(Shape):
    def __init__(self, w, h):
        super().__init__("rect")
        self.w, self.h = w, h

    def area(self):
        return self.w * self.h

    @property
    def perimeter(self):
        return 2 * (self.w + self.h)


class Square(Rect):
    def __init__(self, s):
        super().__init__(s, s)
        self.name = "square"


class Circle(Shape):
    def __init__(self, r):
        super().__init__("circle")
        self.r = r

    def area(self):
        return 3.14159 * self.r * self.r

    @property
    def perimeter(self):
        return 2 * 3.14159 * self.r


def bench():
    shapes = []
    for i in range(12000):
        k = i % 3
        shapes.append(Rect(i % 7 + 1, i % 5 + 1) if k == 0 else Square(i % 9 + 1) if k == 1
                      else Circle(i % 4 + 1))
    total = sum(s.perimeter for s in shapes)
    names = {}
    for s in shapes:
        d = s.describe()
        names[d] = names.get(d, 0) + 1
    top = sorted(shapes)[-1]
    return round(total, 3), len(names), top.describe()
