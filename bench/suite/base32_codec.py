# base32 and base85: encoders written in Python in 3.11.
# half: train
import base64


def bench():
    blobs = [bytes((i * 13 + j) % 256 for j in range(i % 200 + 5)) for i in range(600)]
    total = 0
    for b in blobs:
        e = base64.b32encode(b)
        total += len(e) + len(base64.b32decode(e))
        a = base64.a85encode(b)
        total += len(a) + len(base64.a85decode(a))
    return total
