# List, dict and set comprehensions, nested, with conditions.
# half: train


def bench():
    total = 0
    for k in range(30):
        squares = [i * i for i in range(3000) if i % 3]
        table = {i: str(i) for i in range(2000)}
        inverse = {v: k for k, v in table.items()}
        mods = {i % 97 for i in squares}
        grid = [[r * c for c in range(30)] for r in range(30)]
        flat = [x for row in grid for x in row if x % 2 == 0]
        total += len(squares) + len(inverse) + len(mods) + sum(flat)
    return total
