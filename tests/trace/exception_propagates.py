def inner(x):
    if x < 0:
        raise ValueError("negative: %d" % x)
    return x


def middle(x):
    value = inner(x)
    return value * 2


def outer():
    try:
        return middle(-1)
    except ValueError as e:
        return str(e)


print(outer())
