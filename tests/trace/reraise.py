# Exceptions that go through finally blocks and with statements are raised
# again (RERAISE), which moves the interpreter's "last instruction" back.
class Guard:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def f(n):
    try:
        with Guard():
            if n:
                raise KeyError(n)
        return 0
    finally:
        n += 1


caught = 0
for i in range(12):
    try:
        f(i % 2)
    except KeyError:
        caught += 1
print(caught)
