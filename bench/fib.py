# Recursion and integer arithmetic: fib(25), timed inside the interpreter.
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


start = time.perf_counter()
fib(25)
print(time.perf_counter() - start)
