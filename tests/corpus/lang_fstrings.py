# f-strings and format specs: fill/align/sign/width/grouping/precision/types, conversions,
# the = debug specifier, nested specs, format() and str.format, %-formatting.
from decimal import Decimal
from fractions import Fraction
from datetime import date, datetime, timedelta

n, x, s = 1234567, 3.14159265358979, "eryx"
print(f"{n}|{n:,}|{n:_}|{n:>12,}|{n:<12}|{n:^12}|{n:*^14,}|{n:+}|{-n: }|{n: }")
print(f"{n:b}|{n:o}|{n:x}|{n:X}|{n:#b}|{n:#o}|{n:#x}|{n:#_x}|{255:08b}|{n:e}|{65:c}|{n:_o}")
print(f"{x:.2f}|{x:10.4f}|{x:<10.3}|{x:e}|{x:.3E}|{x:g}|{x:.10g}|{x:%}|{0.25:.1%}|{x:+.0f}|{-x:=+12.3f}|{x:012.5f}")
for v in [0.0, -0.0, 1e-5, 123456789.0, 1.5e40, 2.5, 3.5, 1 / 3, float("inf"), float("-inf"), float("nan"), 100.0]:
    print(f"{v!r:>22} | {v:g} | {v:.3g} | {v:.2e} | {v:,.2f} | {v:z.1f} | {str(v):>8}")
cafe = "caf\u00e9"
print(f"{s!r} {s!s} {s!a} {cafe!a} {cafe!a:>10} {s:>8} {s:<8}| {s:^9} {s:.2} {s:_^10.3}")
width, prec, fill = 12, 3, "~"
print(f"{x:{fill}>{width}.{prec}f}|{n:{'<' if n > 0 else '>'}{width}}|{'nested':{fill}^{width + 2}}")
a, b = 7, 3
print(f"{a=} {b = } {a * b=} {a / b=:.3f} {s.upper()=!r} {[a, b]=}")
print(f"{{literal braces}} {a}{{}}{b} {'quote' + 'd'}", f'{"single" if a else "other"}', f"""{'triple'}""")
print(f"{Decimal('1234.5678'):,.2f} {Decimal('0.000001234'):.3e} {Decimal('-7.5'):010.3f} {Fraction(22, 7)!s:>8}")
d = date(2024, 3, 9)
dt = datetime(2024, 3, 9, 14, 5, 7)
print(f"{d:%Y-%m-%d} {d:%d/%m/%y} {dt:%H:%M:%S} {dt:%Y%m%dT%H%M} {timedelta(hours=50)!s:>20}")
print(f"{True} {True:d} {None!r} {3 + 4j} {3 + 4j:.2f} {b'bytes'} {[1, 'a']} {(1,)} {ord('A')} {chr(9731)!a}")
print("{} {} {}".format(1, "two", 3.0), "{1} {0} {1}".format("a", "b"), "{name}-{0}".format(5, name="n"))
print("{:>8.3f}|{:<6d}|{:^7s}|{:+,d}".format(x, 42, "mid", 10**6), "{0[1]} {1[k]} {2.real}".format([5, 6], {"k": "v"}, 2j))
print(format(n, ","), format(x, ".1f"), format("s", "^5"), format(12, "#x"), format(0.5, "%"), format(Decimal("1.5"), "e"))
print("%s %r %d %5.2f %-5s| %05d %x %X %o %e %g %c %%" % ("s", "r", 42, x, "ab", 42, 255, 255, 8, 12345.678, 0.00001, 65))
print("%(a)s and %(b)05.1f" % {"a": "named", "b": 2.25}, "%*d|%-*d|" % (5, 1, 4, 2), "%.3s" % "truncate")
table = [("apple", 1.5, 10), ("kiwi", 0.25, 200), ("watermelon", 12.0, 3)]
print(f"{'item':<12}{'price':>8}{'qty':>6}{'total':>10}")
for name, price, qty in table:
    print(f"{name:<12}{price:>8.2f}{qty:>6d}{price * qty:>10,.2f}")
print(f"{'':-^36}\n{'TOTAL':<26}{sum(p * q for _, p, q in table):>10,.2f}")
class Temp:
    def __init__(self, c): self.c = c
    def __format__(self, spec):
        unit = spec[-1] if spec and spec[-1] in "CF" else "C"
        val = self.c if unit == "C" else self.c * 9 / 5 + 32
        return f"{val:{spec[:-1] if spec and spec[-1] in 'CF' else spec}}{unit}"
t = Temp(21.5)
print(f"{t} {t:.1fF} {t:>8.2fC} {t:.0f}", format(t, "F"))
for bad in ["{:d}".format, "{:,s}".format, "{:.2f}".format]:
    try:
        print(bad("text"))
    except ValueError as e:
        print("ValueError:", e)
