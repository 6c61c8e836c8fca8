# Dense matrix multiply and transpose on lists of lists of floats.
# half: held-out


def matmul(a, b):
    bt = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) for col in bt] for row in a]


def bench():
    n = 60
    a = [[(i * j) % 7 + 0.5 for j in range(n)] for i in range(n)]
    b = [[(i + j) % 5 - 1.5 for j in range(n)] for i in range(n)]
    c = matmul(matmul(a, b), a)
    return round(sum(map(sum, c)), 6)
