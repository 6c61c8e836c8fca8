def pair():
    yield 1
    yield 2


it = pair()
print(next(it), next(it))
try:
    next(it)
except StopIteration:
    print("exhausted")
print(next(iter([]), "default"))
