# A chaos game on a polygon: float math, random, lists of tuples, a tight loop.
# half: train
import math
import random


def bench():
    rng = random.Random(1)
    corners = [(math.cos(2 * math.pi * k / 5), math.sin(2 * math.pi * k / 5)) for k in range(5)]
    x, y = 0.0, 0.0
    grid = {}
    last = -1
    for _ in range(60000):
        k = rng.randrange(5)
        if k == last:
            continue
        last = k
        cx, cy = corners[k]
        x, y = (x + cx) * 0.5, (y + cy) * 0.5
        cell = (int(x * 20), int(y * 20))
        grid[cell] = grid.get(cell, 0) + 1
    return len(grid), max(grid.values())
