def classify(n):
    if n % 2 == 0:
        kind = "even"
    else:
        kind = "odd"
    return kind


print(classify(4))
print(classify(7))
