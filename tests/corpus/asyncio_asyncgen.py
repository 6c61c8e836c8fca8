# asyncio: async generators (asend/athrow/aclose), async comprehensions, async iterators,
# async context managers, contextlib.aclosing / asynccontextmanager.
import asyncio
import contextlib

trace = []

async def ticker(n, delay=0.0):
    try:
        for i in range(n):
            await asyncio.sleep(delay)
            yield i
    finally:
        trace.append(f"ticker({n}) closed")

async def echo():
    received = []
    try:
        while True:
            try:
                received.append((yield len(received)))
            except KeyError as e:
                received.append(f"caught {e!r}")
    finally:
        trace.append(f"echo closed with {received}")

class Countdown:
    def __init__(self, start): self.current = start
    def __aiter__(self): return self
    async def __anext__(self):
        if self.current <= 0:
            raise StopAsyncIteration
        await asyncio.sleep(0)
        self.current -= 1
        return self.current + 1

class Resource:
    def __init__(self, name): self.name = name
    async def __aenter__(self):
        trace.append(f"enter {self.name}")
        return self
    async def __aexit__(self, exc_type, exc, tb):
        trace.append(f"exit {self.name} exc={exc_type.__name__ if exc_type else None}")
        return exc_type is not None and issubclass(exc_type, LookupError)  # swallow lookup errors only

@contextlib.asynccontextmanager
async def transaction(name):
    trace.append(f"begin {name}")
    try:
        yield name.upper()
        trace.append(f"commit {name}")
    except Exception as e:
        trace.append(f"rollback {name}: {e}")
        raise

async def main():
    print([i async for i in ticker(5, 0.01)], [i * i async for i in ticker(6) if i % 2])
    print({i: str(i) async for i in Countdown(3)}, [x async for x in Countdown(4)], trace)
    gen = echo()
    print(await gen.asend(None), await gen.asend("a"), await gen.asend("b"), await gen.athrow(KeyError("k")))
    await gen.aclose()
    async with contextlib.aclosing(ticker(100)) as t:
        async for i in t:
            if i == 3: break
    async with Resource("r1") as r1, Resource("r2"):
        trace.append(f"body uses {r1.name}")
    async with Resource("r3"):
        raise KeyError("swallowed")
    try:
        async with Resource("r4"):
            raise ValueError("escapes")
    except ValueError as e:
        trace.append(f"caught {e}")
    async with transaction("t1") as tx:
        trace.append(f"in {tx}")
    with contextlib.suppress(RuntimeError):
        async with transaction("t2"):
            raise RuntimeError("bad write")
    print("\n".join(trace[2:]))
    merged = []
    async def collect(name, n, delay):
        async for v in ticker(n, delay):
            merged.append(f"{name}{v}")
    await asyncio.gather(collect("fast", 3, 0.01), collect("slow", 2, 0.045))
    anext_gen = ticker(2)
    print(merged, await anext(anext_gen), await anext(anext_gen), await anext(anext_gen, "default"), type(anext_gen).__name__)

asyncio.run(main())
