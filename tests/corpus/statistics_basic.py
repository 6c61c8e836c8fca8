# statistics: averages, spread, quantiles, correlation/regression, NormalDist (rounded where libm is involved).
import statistics as st
from fractions import Fraction
from decimal import Decimal

def r(x, nd=10):
    return round(x, nd) + 0.0

data = [2.5, 3.25, 5.5, 11.25, 11.75, 3.0, 7.5, 2.5]
ints = [1, 2, 2, 3, 4, 4, 4, 5, 6, 9]
print(st.mean(data), st.fmean(data), st.median(data), st.median_low(data), st.median_high(data))
print(st.mean(ints), st.median(ints), st.mode(ints), st.multimode("aabbbccddd"), st.mode(["red", "blue", "red"]))
print(st.median_grouped([52, 52, 53, 54]), st.median_grouped([1, 3, 3, 5, 7], interval=2))
print(st.pvariance(ints), st.variance(ints), r(st.pstdev(ints)), r(st.stdev(ints)), st.variance(data))
print(st.mean([Fraction(1, 3), Fraction(2, 3), Fraction(5, 6)]), st.variance([Fraction(1, 2), Fraction(3, 4), Fraction(1, 8)]))
print(st.mean([Decimal("1.1"), Decimal("2.2"), Decimal("3.35")]), st.median([Decimal("0.5"), Decimal("1.5")]), st.pvariance([Decimal("1"), Decimal("2"), Decimal("4")]))
print(r(st.harmonic_mean([40, 60])), r(st.harmonic_mean([2.5, 3, 10], weights=[1, 2, 3])), r(st.geometric_mean([54, 24, 36])))
print(st.fmean([1, 2, 3], weights=[3, 2, 1]), st.fmean(range(10)), st.mean([True, False, True]))
print(st.quantiles(range(1, 101), n=4), st.quantiles(ints, n=10), st.quantiles(data, n=4, method="inclusive"))
print(st.quantiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], n=3))
xs = [1, 2, 3, 4, 5, 6, 7, 8, 9]
ys = [1, 2, 3, 1, 2, 3, 1, 2, 3]
zs = [2 * x + 1 for x in xs]
print(r(st.correlation(xs, ys)), r(st.correlation(xs, zs)), st.covariance(xs, ys), st.covariance(xs, zs))
lr = st.linear_regression(xs, zs)
print(lr, r(lr.slope), r(lr.intercept))
lr2 = st.linear_regression([1, 2, 3, 4, 5], [3.1, 4.9, 7.2, 8.8, 11.1])
print(r(lr2.slope), r(lr2.intercept), st.linear_regression([1, 2, 3], [2, 4, 6], proportional=True))
iq = st.NormalDist(100, 15)
print(iq, iq.mean, iq.stdev, iq.variance, iq.median, iq.mode)
print(r(iq.cdf(130)), r(iq.pdf(100)), r(iq.inv_cdf(0.975), 6), [r(q, 6) for q in iq.quantiles(4)])
print(r(iq.overlap(st.NormalDist(110, 10))), r(iq.zscore(85)), iq + 10, iq * 2, iq - st.NormalDist(0, 20))
nd = st.NormalDist.from_samples([2.5, 3.1, 2.1, 2.4, 2.7, 3.5])
print(r(nd.mean), r(nd.stdev), r(st.NormalDist().cdf(1.96), 8), r(st.NormalDist().inv_cdf(0.5)))
for fn, arg in [(st.mean, []), (st.median, []), (st.stdev, [1]), (st.mode, []), (st.harmonic_mean, [-1, 2]), (st.correlation, ([1, 1], [2, 3]))]:
    try:
        fn(*arg) if isinstance(arg, tuple) else fn(arg)
    except st.StatisticsError as e:
        print(fn.__name__, "StatisticsError:", e)
scores = {"ann": [88, 92, 79, 93], "bob": [72, 85, 90, 68], "cy": [95, 91, 89, 97]}
for name, sc in scores.items():
    print(f"{name:4} mean={st.mean(sc):6.2f} median={st.median(sc):5.1f} stdev={st.stdev(sc):6.3f} range={max(sc) - min(sc)}")
