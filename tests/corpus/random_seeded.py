# random: always seeded (random.seed(1234) and random.Random(7)); results of log/exp/trig-based
# distributions are rounded so libm ulp differences cannot leak into the output.
import random

def r(x, nd=10):
    return round(x, nd) + 0.0

random.seed(1234)
print([random.random() for _ in range(5)])
print([random.randint(1, 6) for _ in range(20)], random.randrange(0, 100, 7), random.randrange(10**30))
print(random.getrandbits(1), random.getrandbits(31), random.getrandbits(64), random.getrandbits(200))
print(random.choice("abcdefg"), random.choice(range(1000)), random.choices("abc", k=10), random.choices([1, 2, 3], weights=[10, 1, 1], k=8))
print(random.choices(range(5), cum_weights=[1, 2, 3, 4, 100], k=6), random.sample(range(100), 8), random.sample("abcdefghij", k=4))
deck = [f"{rank}{suit}" for suit in "SHDC" for rank in "A23456789TJQK"]
random.shuffle(deck)
print(deck[:13])
print(random.uniform(1, 10), random.triangular(0, 10, 3), random.randbytes(12).hex(), random.sample(range(10), counts=[2] * 10, k=5))
print([r(random.gauss(0, 1)) for _ in range(4)], [r(random.normalvariate(100, 15)) for _ in range(3)])
print([r(random.expovariate(2.0)) for _ in range(3)], [r(random.lognormvariate(0, 0.5)) for _ in range(3)])
print([r(random.betavariate(2, 5)) for _ in range(3)], [r(random.gammavariate(2.0, 1.5)) for _ in range(3)])
print([r(random.paretovariate(3)) for _ in range(3)], [r(random.weibullvariate(1, 1.5)) for _ in range(3)], [r(random.vonmisesvariate(0, 4)) for _ in range(2)])
print(random.random())

rng = random.Random(7)
print(rng.random(), rng.randint(0, 10**6), rng.choice(["x", "y", "z"]), rng.sample(range(20), 5))
state = rng.getstate()
a = [rng.random() for _ in range(3)]
rng.setstate(state)
b = [rng.random() for _ in range(3)]
print(a == b, a)
r1, r2 = random.Random(7), random.Random(7)
print([r1.randrange(1000) for _ in range(10)] == [r2.randrange(1000) for _ in range(10)])
print(random.Random(0).random(), random.Random(2**100).random(), random.Random(-5).random() == random.Random(5).random())
print(random.Random(42).random(), random.Random(10**40).getrandbits(16), [random.Random(s).randint(0, 99) for s in range(8)])

random.seed(1234)
walk, pos = [], 0
for _ in range(30):
    pos += random.choice((-1, 1))
    walk.append(pos)
print(walk, min(walk), max(walk))
random.seed(1234)
inside = 0
for _ in range(20000):
    x, y = random.random(), random.random()
    inside += x * x + y * y <= 1.0
print(inside, inside * 4 / 20000)
hist = [0] * 6
gen = random.Random(7)
for _ in range(6000):
    hist[gen.randrange(6)] += 1
print(hist, sum(hist))
words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
gen.shuffle(words)
print(words, gen.sample(words, 3), sorted(gen.sample(words, 3)))

class Coin(random.Random):
    def flip(self):
        return "HT"[self.getrandbits(1)]

c = Coin(99)
print("".join(c.flip() for _ in range(40)))
try:
    random.sample(range(3), 5)
except ValueError as e:
    print("ValueError:", e)
