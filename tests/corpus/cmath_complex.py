# cmath and complex arithmetic; transcendental results rounded to 10 places.
import cmath
import math

def r(x, nd=10):
    return round(x, nd) + 0.0

def c(z, nd=10):
    return complex(r(z.real, nd), r(z.imag, nd))

z1, z2 = 3 + 4j, 1 - 2j
print(z1 + z2, z1 - z2, z1 * z2, z1 / z2, -z1, +z2, z1.conjugate())
print(abs(z1), z1.real, z1.imag, z1 == complex(3, 4), complex("1+2j"), complex("-1.5e3j"))
print(complex(2), complex(0, -0.0), complex(-0.0, 0.0), 1j * 1j, (1 + 1j) ** 2, (2j) ** 3)
print(repr(complex(1e300, -1e-300)), complex(float("inf"), float("nan")), str(1 + 0j), 0j == 0)
print(f"{z1:.3f}", f"{z2:+.2e}", f"{1.5 - 0.25j:>20}", format(z1, "g"), f"{complex(1, -1)!r}")
print(r(cmath.phase(-1)), r(cmath.phase(complex(-1, -0.0))), r(cmath.phase(1j)), cmath.phase(1))
mod, ang = cmath.polar(z1)
print(mod, r(ang), c(cmath.rect(2, math.pi / 2)), c(cmath.rect(mod, ang)))
for z in [4, -4, 1j, -1j, 3 + 4j, -3 - 4j, 0.5 - 0.5j]:
    print(f"z={z} sqrt={c(cmath.sqrt(z))} exp={c(cmath.exp(z))} log={c(cmath.log(z))}")
    print(f"   sin={c(cmath.sin(z))} cos={c(cmath.cos(z))} tan={c(cmath.tan(z))} asin={c(cmath.asin(z))}")
    print(f"   sinh={c(cmath.sinh(z))} acosh={c(cmath.acosh(z))} atanh={c(cmath.atanh(z))} log10={c(cmath.log10(z))}")
print(c(cmath.exp(1j * cmath.pi) + 1), c(cmath.log(-1)), c(cmath.log(8, 2)), c(cmath.sqrt(-1)))
print(cmath.sqrt(-0.0), cmath.sqrt(complex(-4, -0.0)), cmath.isclose(cmath.exp(2j * cmath.pi), 1, abs_tol=1e-12))
print(cmath.pi, cmath.e, cmath.tau, cmath.inf, cmath.infj, cmath.nan, cmath.nanj)
print(cmath.isfinite(1 + 1j), cmath.isinf(complex(1, math.inf)), cmath.isnan(complex(math.nan, 0)))
for bad in [lambda: cmath.log(0), lambda: cmath.atanh(1), lambda: 1 / 0j, lambda: cmath.sqrt("x")]:
    try:
        bad()
    except (ValueError, ZeroDivisionError, TypeError) as e:
        print(type(e).__name__, e)
roots = [c(cmath.rect(1, 2 * math.pi * k / 6)) for k in range(6)]
print(roots)
print(sum(roots), c(sum(cmath.rect(1, 2 * math.pi * k / 6) for k in range(6))))

def quadratic(a, b, cc):
    d = cmath.sqrt(b * b - 4 * a * cc)
    return c((-b + d) / (2 * a)), c((-b - d) / (2 * a))

for coeffs in [(1, -3, 2), (1, 2, 5), (1, 0, 1), (2, 4, 2)]:
    print(coeffs, quadratic(*coeffs))
