# Closures: nonlocal state, late vs early binding, cell contents, memoizing and
# composing higher-order functions, decorators with arguments.
import functools

def make_counter(start=0, step=1):
    count = start
    def inc():
        nonlocal count
        count += step
        return count
    def reset():
        nonlocal count
        count = start
    return inc, reset

inc, reset = make_counter(10, 5)
print(inc(), inc(), inc(), reset(), inc(), inc.__code__.co_freevars, [c.cell_contents for c in inc.__closure__])
late = [lambda: i for i in range(3)]
early = [lambda i=i: i for i in range(3)]
print([f() for f in late], [f() for f in early])

def memoize(fn):
    cache = {}
    def wrapper(*args):
        if args not in cache:
            cache[args] = fn(*args)
        return cache[args]
    wrapper.cache = cache
    return wrapper

@memoize
def ways(n, coins=(1, 2, 5)):
    if n == 0: return 1
    if n < 0 or not coins: return 0
    return ways(n - coins[0], coins) + ways(n, coins[1:])

print(ways(50), len(ways.cache), sorted(ways.cache)[:3])
def compose(*fns):
    def run(x):
        for f in reversed(fns):
            x = f(x)
        return x
    return run
print(compose(str, lambda x: x * 2, abs)(-21), compose()(5), compose(len, str.split)("a b c"))

def repeat(times):
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            return [fn(*a, **k) for _ in range(times)]
        return wrapper
    return deco

@repeat(3)
def shout(word, punct="!"):
    return word.upper() + punct

print(shout("hey"), shout("ok", punct="?"), shout.__name__, shout.__wrapped__("x"))
adders = {n: (lambda k: lambda x: x + k)(n) for n in (1, 10, 100)}
print({n: f(5) for n, f in adders.items()}, (lambda *a, **k: (a, sorted(k.items())))(1, 2, z=3, y=4))
def outer_fn():
    x = "enclosing"
    def middle():
        def innermost():
            return x
        return innermost
    x = "rebound"
    return middle()()
print(outer_fn(), [(lambda: n * n)() for n in range(5)])
