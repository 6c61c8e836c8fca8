# base64: b64, urlsafe and b16 encodings (C, through binascii), many sizes.
# half: held-out
import base64


def bench():
    blobs = [bytes((i * 7 + j) % 256 for j in range(i % 300 + 1)) for i in range(400)]
    total = 0
    for _ in range(20):
        for b in blobs:
            e = base64.b64encode(b)
            u = base64.urlsafe_b64encode(b)
            h = base64.b16encode(b)
            total += len(base64.b64decode(e)) + len(base64.urlsafe_b64decode(u)) + len(h)
    return total
