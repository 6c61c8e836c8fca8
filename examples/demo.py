# A tour of what runs in the eryx sandbox: real CPython 3.11 and its stdlib.
import asyncio
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from decimal import Decimal


@dataclass
class Point:
    x: float
    y: float

    def norm(self) -> float:
        return (self.x ** 2 + self.y ** 2) ** 0.5


print("Python", sys.version.split()[0], "on", sys.platform)
print("point:", Point(3, 4), "norm", Point(3, 4).norm())
print("decimal:", Decimal("0.1") + Decimal("0.2"))
print("sha256:", hashlib.sha256(b"eryx").hexdigest()[:16])


async def job(name, delay):
    await asyncio.sleep(delay)
    return f"{name} done"

print("asyncio:", await asyncio.gather(job("a", 0.02), job("b", 0.01)))

# The sandbox sees only its own mounts, and no host environment.
print("filesystem root:", os.listdir("/"))
print("environment:", dict(os.environ))
try:
    open("/etc/passwd")
except OSError as e:
    print("host files:", type(e).__name__)

result = {"points": [Point(1, 2).norm(), Point(6, 8).norm()], "ok": True}
print("result:", json.dumps(result))
