# fractions.Fraction arithmetic (pure Python on big integers): harmonic sums.
# half: held-out
from fractions import Fraction


def bench():
    h = Fraction(0)
    for i in range(1, 600):
        h += Fraction(1, i)
    x = Fraction(1, 3)
    for _ in range(1500):
        x = (x * x + Fraction(1, 7)) / (x + 1)
        x = x.limit_denominator(10**12)
    return str(h)[-20:], str(x), h > 6
