# random: the Python-level methods (randint, choice, shuffle, uniform, gauss).
# half: held-out
import random


def bench():
    rng = random.Random(42)
    total = 0
    items = list(range(100))
    for _ in range(12000):
        total += rng.randint(1, 100) + rng.choice(items)
        total += int(rng.uniform(0, 10)) + int(rng.gauss(0, 1) > 0)
    deck = list(range(500))
    for _ in range(40):
        rng.shuffle(deck)
    total += sum(rng.sample(range(10000), 200))
    return total, deck[:5]
