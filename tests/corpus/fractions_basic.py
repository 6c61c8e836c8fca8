# fractions: exact rational arithmetic, conversions, limit_denominator, mixed-type ops.
from fractions import Fraction as F
from decimal import Decimal
import math

a, b = F(3, 4), F(5, 6)
print(a + b, a - b, a * b, a / b, a ** 2, a ** -2, -a, abs(F(-7, 3)), a // b, a % b, divmod(F(7, 2), F(2, 3)))
print(F(6, 8), F(-6, 8), F(6, -8), F(0, 5), F(10), F("3/9"), F(" -2.5 "), F("1e-3"), F("7_1/2_0"))
print(F(0.1), F(0.5), F(Decimal("0.1")), F.from_float(1 / 3), F.from_decimal(Decimal("-1.25")))
print(F(1, 3).numerator, F(2, 6).denominator, F(7, 2).as_integer_ratio(), F(3, 1).denominator == 1)
print(float(F(1, 3)), int(F(-7, 2)), math.floor(F(-7, 2)), math.ceil(F(-7, 2)), round(F(5, 2)), round(F(7, 2)), round(F(22, 7), 3))
print(str(F(22, 7)), repr(F(22, 7)), F(1, 3) == 1 / 3, F(1, 2) == 0.5, F(1, 2) < 0.6, F(2, 1) == 2, F(1, 3) < F(1, 2))
print(F(1, 3) + 1, 1 - F(1, 3), F(1, 3) * 1.5, F(1, 4) ** F(1, 2), 2 ** F(2), F(4) ** 2, F(2, 3) ** 3 * F(27, 8))
pi_approx = F(math.pi)
print(pi_approx)
for d in [1, 7, 10, 100, 113, 1000, 33215, 10**6]:
    x = pi_approx.limit_denominator(d)
    print(d, x, float(x), f"{float(abs(x - pi_approx)):.3e}")
print(F(math.sqrt(2)).limit_denominator(1000), F("0.333333333").limit_denominator(100))

def harmonic(n):
    return sum(F(1, k) for k in range(1, n + 1))

for n in [1, 2, 5, 10, 20]:
    h = harmonic(n)
    print(n, h, f"{float(h):.12f}")

def egyptian(fr):
    out = []
    while fr.numerator:
        d = -(-fr.denominator // fr.numerator)
        out.append(F(1, d))
        fr -= F(1, d)
    return out

for fr in [F(4, 13), F(5, 6), F(7, 15), F(3, 7)]:
    print(fr, "=", " + ".join(str(x) for x in egyptian(fr)))

def cont_frac(fr, limit=12):
    terms = []
    while limit and fr.denominator:
        q = fr.numerator // fr.denominator
        terms.append(q)
        rem = fr - q
        if rem == 0:
            break
        fr = 1 / rem
        limit -= 1
    return terms

print(cont_frac(F(415, 93)), cont_frac(pi_approx), cont_frac(F(math.e)))
print(sorted([F(1, 2), F(1, 3), F(2, 3), F(-1, 5), F(5, 10)]), max(F(7, 9), F(8, 11)), sum([F(1, 6)] * 6))
print(F(10**30 + 1, 10**30 - 1) - 1, F(2**64, 3**40))
for bad in [lambda: F(1, 0), lambda: F("1/0"), lambda: F("abc"), lambda: F(float("nan")), lambda: F(float("inf"))]:
    try:
        bad()
    except (ZeroDivisionError, ValueError, OverflowError) as e:
        print(type(e).__name__, e)
