def add(a, b):
    total = a + b
    return total


x = add(2, 3)
print(x)
