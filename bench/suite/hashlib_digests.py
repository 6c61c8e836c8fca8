# hashlib: sha256, sha1, md5, blake2b over many small and a few large buffers.
# half: held-out
import hashlib


def bench():
    small = [("msg %d" % i).encode() * 3 for i in range(12000)]
    out = []
    for m in small:
        out.append(hashlib.sha256(m).digest()[0])
        out.append(hashlib.md5(m).digest()[1])
    big = bytes(range(256)) * 4000
    for name in ("sha256", "sha1", "md5", "blake2b", "sha512"):
        out.append(hashlib.new(name, big).hexdigest())
    return sum(x for x in out if isinstance(x, int)), out[-5:]
