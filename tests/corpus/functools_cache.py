# functools caching: lru_cache (unbounded and bounded, cache_info/cache_clear), cache,
# cached_property, and wraps-based decorators.
import functools

calls = []
@functools.lru_cache(maxsize=None)
def fib(n):
    calls.append(n)
    return n if n < 2 else fib(n - 1) + fib(n - 2)

print(fib(60), len(calls), fib.cache_info())
fib.cache_clear()
print(fib.cache_info(), fib.__wrapped__.__name__)

@functools.lru_cache(maxsize=3)
def square(x): return x * x

for v in [1, 2, 3, 1, 4, 2, 5, 1]:
    square(v)
print(square.cache_info(), square.cache_parameters())

@functools.cache
def collatz_len(n): return 1 if n == 1 else 1 + collatz_len(n // 2 if n % 2 == 0 else 3 * n + 1)

best = max(range(1, 26), key=collatz_len)  # keep recursion shallow
print(best, collatz_len(best), collatz_len.cache_info())

class Circle:
    def __init__(self, r):
        self.r = r
        self.computed = 0
    @functools.cached_property
    def area(self):
        self.computed += 1
        return 3 * self.r * self.r

c = Circle(2)
print(c.area, c.area, c.computed, "area" in vars(c))
del c.area
print(c.area, c.computed)

def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        result = fn(*args, **kwargs)
        print(f"  {fn.__name__}{args} -> {result!r}")
        return result
    return wrapper

@logged
def add(a, b):
    """Add two things."""
    return a + b

add(2, 3); add("x", "y")
print(add.__name__, add.__doc__, add.__wrapped__(1, 1), add.__qualname__)

@functools.lru_cache(maxsize=2, typed=True)
def kind(x): return type(x).__name__

print([kind(v) for v in (1, 1.0, 1, True, "1")], kind.cache_info())
@functools.lru_cache
def grid_paths(r, c): return 1 if r == 0 or c == 0 else grid_paths(r - 1, c) + grid_paths(r, c - 1)
print([grid_paths(n, n) for n in range(12)], grid_paths.cache_info().currsize)
