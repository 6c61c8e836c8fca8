# Instructions that CPython specializes where lines start and where jumps
# land (attribute and global loads, comparisons before a jump), run often
# enough to be specialized, then with other types so that they miss and go
# back to their adaptive form.
class Point:
    def __init__(self, x):
        self.x = x


LIMIT = 5


def step(p, v):
    p.x = p.x + v
    if p.x < LIMIT:
        return LIMIT
    elif (p.x >
          LIMIT * 3):
        return -LIMIT
    return p.x if v else LIMIT


p = Point(0)
for i in range(60):
    step(p, i % 3)
for v in (0.5, 1.5, "s"[:0] and 1 or 2, 0.25):
    step(p, v)
q = Point(0.0)
for i in range(20):
    step(q, 1.0)
print(p.x, q.x)
