# hashlib (md5, sha1, sha256, blake2b, blake2s only - the sandbox has no OpenSSL) and hmac.
import hashlib
import hmac
import io

msgs = [b"", b"abc", b"The quick brown fox jumps over the lazy dog", "caf\u00e9 \u2603".encode("utf-8"), bytes(range(256)) * 4]
ctors = [hashlib.md5, hashlib.sha1, hashlib.sha256, hashlib.blake2b, hashlib.blake2s]
for msg in msgs:
    print(f"len={len(msg)}")
    for ctor in ctors:
        h = ctor(msg)
        print(f"  {h.name:8} {h.digest_size:3} {h.block_size:4} {h.hexdigest()}")
for name in ["md5", "sha1", "sha256", "blake2b", "blake2s"]:
    h = hashlib.new(name)
    h.update(b"hello ")
    snapshot = h.copy()
    h.update(b"world")
    snapshot.update(b"there")
    print(name, h.hexdigest()[:32], snapshot.hexdigest()[:32], hashlib.new(name, b"hello world").hexdigest() == h.hexdigest())
inc = hashlib.sha256()
for i in range(1000):
    inc.update(str(i).encode())
print(inc.hexdigest(), inc.digest()[:8], len(inc.digest()))
print(hashlib.sha256(b"".join(str(i).encode() for i in range(1000))).hexdigest() == inc.hexdigest())
print(hashlib.blake2b(b"data", digest_size=16).hexdigest(), hashlib.blake2s(b"data", digest_size=8).hexdigest())
print(hashlib.blake2b(b"data", key=b"secret key").hexdigest())
print(hashlib.blake2b(b"data", salt=b"saltsalt", person=b"eryx-corpus").hexdigest())
print(hashlib.blake2s(b"data", key=b"k" * 32, salt=b"12345678", person=b"persona!").hexdigest())
print(hashlib.blake2b(b"tree", fanout=2, depth=2, leaf_size=4096, node_offset=1, node_depth=0, inner_size=64, last_node=True).hexdigest()[:40])
print(hashlib.blake2b.SALT_SIZE, hashlib.blake2b.PERSON_SIZE, hashlib.blake2b.MAX_KEY_SIZE, hashlib.blake2b.MAX_DIGEST_SIZE,
      hashlib.blake2s.SALT_SIZE, hashlib.blake2s.MAX_DIGEST_SIZE)
print(hashlib.file_digest(io.BytesIO(b"x" * 100000), "sha256").hexdigest())
print(hashlib.file_digest(io.BytesIO(b"abc"), hashlib.md5).hexdigest())
print(hashlib.sha1(b"abc", usedforsecurity=False).hexdigest(), hashlib.md5(string=b"abc").hexdigest())
for key, msg in [(b"key", b"The quick brown fox jumps over the lazy dog"), (b"", b""), (b"k" * 100, b"long key")]:
    print(hmac.new(key, msg, "md5").hexdigest(), hmac.new(key, msg, hashlib.sha1).hexdigest())
    print("  ", hmac.new(key, msg, "sha256").hexdigest())
mac = hmac.new(b"secret", digestmod="sha256")
mac.update(b"part1")
mac2 = mac.copy()
mac.update(b"part2")
print(mac.name, mac.digest_size, mac.block_size, mac.hexdigest(), mac2.hexdigest())
print(hmac.digest(b"secret", b"part1part2", "sha256") == mac.digest(), hmac.compare_digest(b"abc", b"abc"), hmac.compare_digest("a", "b"))
for bad in [lambda: hashlib.blake2b(digest_size=65), lambda: hashlib.blake2s(key=b"k" * 33), lambda: hashlib.sha256("str")]:
    try:
        bad()
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
def merkle(leaves):
    level = [hashlib.sha256(leaf).digest() for leaf in leaves]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0].hex()
print(merkle([b"a", b"b", b"c", b"d", b"e"]), merkle([b"only"]))
