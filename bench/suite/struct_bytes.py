# struct pack/unpack, bytes and bytearray building, memoryview slicing.
# half: train
import struct

RECORD = struct.Struct("<IhdQ4s")


def bench():
    buf = bytearray()
    for i in range(50000):
        buf += RECORD.pack(i, i % 300 - 150, i / 3, i * 1000003, b"abcd")
    view = memoryview(buf)
    total = 0
    for off in range(0, len(buf), RECORD.size):
        a, b, c, d, e = RECORD.unpack_from(view, off)
        total += a + b + int(c) + (d & 0xFF)
    fields = [struct.pack(">HI", i, i * 7) for i in range(15000)]
    joined = b"".join(fields)
    total += sum(x for x, _ in struct.iter_unpack(">HI", joined))
    return total, bytes(view[:8]).hex(), joined.count(b"\x00")
