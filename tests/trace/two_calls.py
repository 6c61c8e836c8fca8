def square(n):
    return n * n


def describe(n):
    s = square(n)
    return "%d squared is %d" % (n, s)


print(describe(3))
print(describe(4))
