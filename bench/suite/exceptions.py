# Exceptions: raise and catch across frames, finally, with, custom classes.
# half: train


class AppError(Exception):
    def __init__(self, code):
        super().__init__("code %d" % code)
        self.code = code


class Resource:
    opened = 0

    def __enter__(self):
        Resource.opened += 1
        return self

    def __exit__(self, *exc):
        Resource.opened -= 1
        return False


def check(i):
    if i % 3 == 0:
        raise AppError(i)
    if i % 5 == 0:
        raise KeyError(i)
    return i


def layer(i):
    try:
        return check(i)
    finally:
        pass


def bench():
    caught = codes = 0
    for i in range(40000):
        try:
            with Resource():
                layer(i)
        except AppError as e:
            codes += e.code
        except KeyError:
            caught += 1
    lookups = 0
    d = {}
    for i in range(20000):
        try:
            lookups += d[i]
        except KeyError:
            d[i] = 1
    return caught, codes, lookups, Resource.opened
