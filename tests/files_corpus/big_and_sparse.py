import hashlib
import os

data = bytes(range(256)) * 4096  # 1 MiB
with open("big.bin", "wb") as f:
    for _ in range(8):
        f.write(data)
print(os.path.getsize("big.bin"))
h = hashlib.sha256()
with open("big.bin", "rb") as f:
    while chunk := f.read(65536):
        h.update(chunk)
print(h.hexdigest())
with open("sparse.bin", "wb") as f:
    f.seek(10**9)
    f.write(b"end")
print(os.path.getsize("sparse.bin"))
with open("sparse.bin", "rb") as f:
    f.seek(10**9 - 2)
    print(f.read())
    f.seek(12345)
    print(f.read(4))
os.truncate("sparse.bin", 10)
print(open("sparse.bin", "rb").read())
with open("big.bin", "r+b") as f:
    f.seek(3 * 2**20 + 7)
    f.write(b"!" * 100000)
with open("big.bin", "rb") as f:
    f.seek(3 * 2**20)
    print(f.read(10))
print(hashlib.md5(open("big.bin", "rb").read()).hexdigest())
