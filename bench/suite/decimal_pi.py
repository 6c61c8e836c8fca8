# decimal: pi to 60 digits by a series, quantize and context arithmetic.
# half: train
import decimal


def pi(digits):
    with decimal.localcontext() as ctx:
        ctx.prec = digits + 2
        three = decimal.Decimal(3)
        last, t, s, n, na, d, da = 0, three, 3, 1, 0, 0, 24
        while s != last:
            last = s
            n, na = n + na, na + 8
            d, da = d + da, da + 32
            t = (t * n) / d
            s += t
    return +s


def bench():
    total = decimal.Decimal(0)
    for _ in range(80):
        p = pi(60)
    cent = decimal.Decimal("0.01")
    for i in range(16000):
        price = decimal.Decimal(i) / 7
        total += (price * decimal.Decimal("1.21")).quantize(cent, decimal.ROUND_HALF_EVEN)
    return str(p), str(total)
