# Big integers (arithmetic, pow with modulus, bit ops, conversions, digit limits) and a few
# platform-independent sys facts. sys.maxsize itself differs on wasm32 and is never printed.
import sys
import math

print(sys.version_info[:2], sys.version_info >= (3, 11), sys.version_info.major, sys.maxsize >= 2**31 - 1)
print(sys.byteorder, sys.float_info.mant_dig, sys.float_info.dig, sys.float_info.max, sys.float_info.epsilon, sys.float_repr_style)
print(sys.implementation.name, sys.get_int_max_str_digits(), type(sys.maxsize).__name__, sys.int_info.sizeof_digit in (2, 4))
a = 2**521 - 1
b = math.factorial(60)
print(a)
print(b, len(str(b)), b.bit_length(), b.bit_count())
print(a * b % (10**40), a // b, a % b, divmod(-a, 10**30), -a // 7, -a % 7)
print(pow(3, 10**6, 10**9 + 7), pow(2, a - 1, a) == 1, pow(7, -1, 10**9 + 7), pow(-3, 3), (-3) ** 101 % 1000)
print(hex(a)[:20], oct(b)[-10:], bin(10**20), int("ff" * 20, 16), int("z" * 10, 36), int("-0b1011", 0), int("1_000_000"))
print((10**50).to_bytes(21, "big").hex(), int.from_bytes(b"\xff" * 9, "little"), (-1).to_bytes(4, "big", signed=True), int.from_bytes(b"\x80\x00", "big", signed=True))
print(1 << 200, (1 << 200) >> 199, ~(2**100), (2**100) & (2**100 - 1), (2**64 + 5) ^ (2**64), (2**70) | 1)
print(-(2**100) >> 3, -17 >> 1, -17 // 2, -(2**100) & 0xFFFF, abs(-(10**30)), (10**30).bit_length())
fib = [0, 1]
while len(fib) < 300:
    fib.append(fib[-1] + fib[-2])
print(fib[299], len(str(fib[299])), math.gcd(fib[299], fib[298]), math.isqrt(fib[299]))
print(math.comb(200, 100), math.lcm(*range(1, 60)))
def digits_sum(n):
    return sum(map(int, str(n)))
print(digits_sum(2**1000), digits_sum(math.factorial(100)), str(3**500)[:30], str(3**500)[-30:])
print(10**20 / 3, 2**1000 / 2**999, float(2**1023), 2**63 - 1, -(2**63), 2**64, (2**64) // 3, round(10**25 / 7))
try:
    float(2**1024)
except OverflowError as e:
    print("OverflowError:", e)
try:
    2**1024 / 1
except OverflowError as e:
    print("OverflowError:", e)
big = 10**5000
try:
    str(big)
except ValueError as e:
    print("ValueError:", str(e)[:60])
print(len(hex(big)), big.bit_length(), len(f"{big:x}"), f"{big >> 16000:.3e}")
sys.set_int_max_str_digits(6000)
print(len(str(big)), str(big)[:5])
sys.set_int_max_str_digits(0)
print(len(str(10**9000)))
sys.set_int_max_str_digits(4300)
print(int("9" * 4300) % 1000, 7 ** 7 ** 2 % 10**6, (2**127 - 1) % 1_000_000_007)
def collatz_max(n):
    peak = n
    while n != 1:
        n = 3 * n + 1 if n & 1 else n >> 1
        peak = max(peak, n)
    return peak
print(collatz_max(2**100 + 1) > 2**100, collatz_max(27), sum(range(10**6)), (10**12 - 1) * 10**12 // 2)
print(True + True, int(True), 5 // True, isinstance(True, int), (1).__add__(2), (12).conjugate(), (7).numerator, (7).denominator, (-7).__abs__())
