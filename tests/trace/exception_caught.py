def parse(text):
    return int(text)


try:
    parse("12x")
except ValueError as e:
    print("caught:", e)
finally:
    print("cleanup")
try:
    raise KeyError("missing")
except LookupError:
    pass
print("done")
