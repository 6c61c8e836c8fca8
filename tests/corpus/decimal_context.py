# decimal: exact arithmetic, contexts, rounding modes, quantize, signals and traps.
import decimal
from decimal import Decimal as D, localcontext, Context, ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_CEILING, ROUND_FLOOR, ROUND_05UP

ctx = decimal.getcontext()
print(ctx.prec, ctx.rounding, ctx.Emax, ctx.Emin, ctx.capitals, ctx.clamp)
print(D("0.1") + D("0.2"), D(0.1), D("1.10") * 3, D("1") / D("3"), D("2").sqrt())
print(D("10") / D("4"), D("-7") // D("2"), D("-7") % D("2"), divmod(D("7.5"), D("2")), D(-7) // 2)
print(D("1.2300").normalize(), D("1E+3").normalize(), D("0.00"), D("-0"), D("1e-7"), D("123456789e20"))
print(D("3.14159").as_tuple(), D("-1.5E3").as_tuple(), D(5).as_integer_ratio(), D("0.125").as_integer_ratio())
print(D("Infinity"), D("-inf"), D("NaN"), D("sNaN").is_snan(), D("nan").is_nan(), D("inf").is_infinite())
print(D(" 42 "), D("1_000.5"), D((1, (1, 2, 3), -2)), D.from_float(0.5), D.from_float(1.1))
for mode in [ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_CEILING, ROUND_FLOOR, ROUND_05UP, decimal.ROUND_UP, decimal.ROUND_HALF_DOWN]:
    vals = [D(s).quantize(D("0.1"), rounding=mode) for s in ["2.25", "2.35", "-2.25", "2.05", "-2.01", "0.96"]]
    print(f"{mode:17}", " ".join(str(v) for v in vals))
print(D("123.456").quantize(D("1.00")), D("123.456").quantize(D("1E+1")), D("7.5").to_integral_value(), D("8.5").to_integral_value())
print(round(D("2.675"), 2), round(D("-0.5")), round(D("1.5")), D("2.5").__round__(), D("1234.5678").__round__(-2))
with localcontext() as lc:
    lc.prec = 50
    print(D(1) / D(7))
    print(D(2).sqrt(), D(1).exp(), D(10).ln(), D(2).log10())
    lc.rounding = ROUND_DOWN
    print(D(2) / D(3), +D("1.99999999999999999999999999999999999999999999999999999"))
print(D(1) / D(7), D(2).sqrt())
c6 = Context(prec=6, rounding=ROUND_HALF_UP)
print(c6.divide(D(1), D(3)), c6.power(D(2), D(100)), c6.add(D("1.0000005"), D(0)), c6.sqrt(D(10)))
print(D(2) ** 100, D(2) ** D("0.5"), D("1.5") ** 3, pow(D(3), 100, 7), D(10) ** -3)
with localcontext(Context(prec=5, traps=[])) as lc:
    r = D(1) / D(0)
    print(r, D(0) / D(0), lc.flags[decimal.DivisionByZero], lc.flags[decimal.InvalidOperation])
    print(D("1.234567"), +D("1.234567"), lc.flags[decimal.Inexact], lc.flags[decimal.Rounded])
for expr in ["D(1) / D(0)", "D(0) / D(0)", "D('abc')", "D('1.5').quantize(D('1e-30'))", "D('sNaN') + 1", "D(-1).sqrt()"]:
    try:
        print(expr, "=", eval(expr))
    except decimal.DecimalException as e:
        kinds = [k.__name__ for k in (decimal.DivisionByZero, decimal.InvalidOperation, decimal.Inexact) if isinstance(e, k)]
        print(expr, "->", kinds, isinstance(e, ArithmeticError))
with localcontext() as lc:
    lc.traps[decimal.Inexact] = True
    try:
        D(1) / D(3)
    except decimal.Inexact:
        print("Inexact trapped")
print(sorted([D("1.0"), D("0.99"), D("-2"), D("1"), D("1.00"), D("1e-1")]))
print(D("1.0") == D("1.00"), D("1.0").compare_total(D("1.00")), D(1) == 1, D("0.5") == 0.5, D("0.1") == 0.1, D("0.1") < 1)
print(sum([D("0.1")] * 10), max(D("2.5"), D("2.50")), D("-1.5").copy_abs(), D("1").copy_sign(D("-0")))
print(f"{D('1234567.891'):,.2f} {D('0.000123'):.2e} {D('42'):08.3f} {D('-0.5'):%} {D('1e3'):f}")
print(D("12.5").adjusted(), D("0.01").adjusted(), D("100").fma(2, 3), D("5").max(D("NaN")), D(1101).logical_and(D(111)), D(1010).logical_xor(D(110)))
print(D("3.5").is_signed(), D("-0").is_signed(), D("1e5").is_zero(), D(7).number_class(), D("-inf").number_class(), D("1e-1000").number_class())
