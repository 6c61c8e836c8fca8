# math: exact integer functions, float utilities, and transcendental functions
# (transcendental results are rounded to 12 places so libm ulp differences don't matter).
import math

def r(x, nd=12):
    return round(x, nd) + 0.0  # + 0.0 folds -0.0 into 0.0

print(math.gcd(1071, 462), math.gcd(0, 0), math.gcd(12, 18, 27), math.lcm(4, 6, 10), math.lcm())
print(math.isqrt(10**20 + 12345), math.isqrt(99), math.factorial(25))
print(math.comb(52, 5), math.perm(10, 3), math.perm(5), math.comb(100, 50))
print(math.prod(range(1, 11)), math.prod([0.5, 4, 3]), math.prod([], start=7))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100, 1e-100]))
for x in [2.5, -2.5, 3.5, -0.5, 7.999999]:
    print(x, math.floor(x), math.ceil(x), math.trunc(x), round(x), round(x, 1), math.modf(x))
print(math.copysign(3, -0.0), math.fabs(-4), math.fmod(-7, 3), -7 % 3, math.remainder(7, 4))
print(math.frexp(40.0), math.ldexp(0.625, 6), math.frexp(0.0), math.frexp(-1e-310))
print(math.isclose(0.1 + 0.2, 0.3), 0.1 + 0.2 == 0.3, math.isclose(1e-12, 0, abs_tol=1e-9))
print(math.inf, -math.inf, math.nan, math.isinf(-math.inf), math.isnan(math.nan), math.isfinite(1e308))
print(math.inf - math.inf, math.inf * 0, math.nan == math.nan, math.inf > 1e308)
print(math.nextafter(1.0, 2.0), math.nextafter(0.0, 1.0), math.ulp(1.0), math.ulp(1e16))
print(math.sqrt(2), math.sqrt(1e-300), math.sqrt(16.0), math.dist((0, 0), (3, 4)))
print(r(math.hypot(1, 2, 2)), r(math.hypot(5e-300, 12e-300) / 1e-300))
print("pi/e/tau", math.pi, math.e, math.tau)
for x in [0.0, 0.5, 1.0, math.pi / 6, math.pi / 4, 2.0]:
    print(f"x={r(x, 6)} sin={r(math.sin(x))} cos={r(math.cos(x))} tan={r(math.tan(x))}"
          f" atan={r(math.atan(x))} exp={r(math.exp(x))} sinh={r(math.sinh(x))} tanh={r(math.tanh(x))}")
for x in [0.5, 1.0, 2.0, 10.0, 1000.0]:
    print(f"x={x} log={r(math.log(x))} log10={r(math.log10(x))} log2={r(math.log2(x))}"
          f" log1p={r(math.log1p(x))} gamma={r(math.gamma(x) if x < 100 else 0.0)} lgamma={r(math.lgamma(x), 9)}")
print(r(math.log2(1024)), r(math.log10(1000)), r(math.log(8, 2)), r(math.log(100, 10)), math.exp(0))
print(r(math.asin(0.5)), r(math.acos(-1)), r(math.atan2(1, -1)), r(math.atan2(-0.0, -1)))
print(r(math.erf(0.5)), r(math.erfc(0.5)), r(math.expm1(1e-10), 20), r(math.cbrt(27.0)), r(math.cbrt(-2.0)))
print(math.degrees(math.pi), math.radians(180), r(math.acosh(2)), r(math.asinh(1)), r(math.atanh(0.5)))
print(math.pow(2, 10), math.pow(2, -1), r(2 ** 0.5), r(10 ** 0.5), r(1.5 ** 2.5), r(2 ** -0.5), 3 ** 4.0, 9 ** 0.5)
for bad in [lambda: math.sqrt(-1), lambda: math.log(0), lambda: math.factorial(-1),
            lambda: math.exp(1000), lambda: math.comb(3, -1), lambda: math.isqrt(-4)]:
    try:
        bad()
    except (ValueError, OverflowError) as e:
        print(type(e).__name__, e)
print(float("1e309"), float("-0"), 1e308 * 10, 5e-324, 5e-324 / 2, 2.0 ** -1074)
print((0.1).as_integer_ratio(), (2.5).is_integer(), float.fromhex("0x1.8p1"), (1.5).hex(), (-0.1).hex())
print(divmod(7.5, 2), divmod(-7, 2), 7 // -2, -7.5 // 2, 1e16 + 1, 2 ** 53 + 1.0)
