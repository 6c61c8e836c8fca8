# Mandelbrot set with complex numbers: a tight arithmetic loop.
# half: held-out


def bench():
    w, h, limit = 120, 80, 80
    inside = 0
    for j in range(h):
        for i in range(w):
            c = complex(3.0 * i / w - 2.0, 2.0 * j / h - 1.0)
            z = 0j
            for _ in range(limit):
                z = z * z + c
                if abs(z) > 2.0:
                    break
            else:
                inside += 1
    return inside
