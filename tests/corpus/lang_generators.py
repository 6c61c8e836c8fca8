# Generators: send/throw/close, yield from with return values, lazy pipelines, recursion.
def countdown(n):
    while n > 0:
        yield n
        n -= 1
    return "liftoff"

g = countdown(3)
print(next(g), next(g), next(g))
try:
    next(g)
except StopIteration as e:
    print("StopIteration value:", e.value)

def accumulator():
    total = 0
    while True:
        try:
            x = yield total
        except ValueError as e:
            print("  reset because", e)
            total = 0
            continue
        if x is None:
            break
        total += x
    return total

acc = accumulator()
print(next(acc), acc.send(5), acc.send(10), acc.throw(ValueError("bad")), acc.send(7))
try:
    acc.send(None)
except StopIteration as e:
    print("final", e.value)

def inner():
    got = yield "inner-1"
    yield f"inner got {got}"
    return "inner-result"

def outer():
    result = yield from inner()
    yield f"outer saw {result}"
    yield from range(2)

o = outer()
print(next(o), o.send("X"), next(o), list(o))

def closing_gen():
    try:
        yield 1
        yield 2
    finally:
        print("  cleanup ran")

cg = closing_gen(); print(next(cg)); cg.close(); print("closed:", cg.gi_frame is None)
def integers():
    n = 0
    while True:
        yield n
        n += 1
evens = (x for x in integers() if x % 2 == 0)
squares = (x * x for x in evens)
print([next(squares) for _ in range(6)], sum(x for x in range(101)), list(zip(countdown(3), "abc")))
def flatten(items):
    for it in items:
        if isinstance(it, (list, tuple)):
            yield from flatten(it)
        else:
            yield it
print(list(flatten([1, [2, [3, (4, 5)], []], [[6]], 7])))

import inspect
def stages(): yield from "ab"
sg = stages()
states = [inspect.getgeneratorstate(sg)]
next(sg); states.append(inspect.getgeneratorstate(sg))
list(sg); states.append(inspect.getgeneratorstate(sg))
print(states, list(sg), next(iter(stages())), [*stages(), *countdown(2)], dict(enumerate(stages(), 1)))
batches = lambda seq, n: (seq[i:i + n] for i in range(0, len(seq), n))
print(list(batches("abcdefghij", 3)), [sum(b) for b in batches(list(range(20)), 6)], max(countdown(9)), sorted(countdown(4)))
gen_exp = (c.upper() for c in "lazy")
print(next(gen_exp), list(gen_exp), list(gen_exp), "lazy" == "".join(c for c in "lazy"), sum(1 for _ in countdown(100)))
