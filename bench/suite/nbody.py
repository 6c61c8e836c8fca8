# Gravitational n-body simulation: float arithmetic on lists.
# half: held-out
PI = 3.14159265358979323
SOLAR_MASS = 4 * PI * PI
DAYS = 365.24


def bodies():
    return [
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], SOLAR_MASS],
        [[4.84, -1.16, -0.10], [0.00166 * DAYS, 0.00770 * DAYS, -0.0000690 * DAYS],
         0.000954 * SOLAR_MASS],
        [[8.34, 4.12, -0.40], [-0.00276 * DAYS, 0.00500 * DAYS, 0.0000230 * DAYS],
         0.000286 * SOLAR_MASS],
        [[12.89, -15.11, -0.22], [0.00296 * DAYS, 0.00237 * DAYS, -0.0000296 * DAYS],
         0.0000437 * SOLAR_MASS],
        [[15.38, -25.92, 0.18], [0.00268 * DAYS, 0.00163 * DAYS, -0.0000951 * DAYS],
         0.0000515 * SOLAR_MASS],
    ]


def advance(system, pairs, dt, steps):
    for _ in range(steps):
        for (p1, v1, m1), (p2, v2, m2) in pairs:
            dx = p1[0] - p2[0]
            dy = p1[1] - p2[1]
            dz = p1[2] - p2[2]
            mag = dt * ((dx * dx + dy * dy + dz * dz) ** -1.5)
            b1 = m1 * mag
            b2 = m2 * mag
            v1[0] -= dx * b2
            v1[1] -= dy * b2
            v1[2] -= dz * b2
            v2[0] += dx * b1
            v2[1] += dy * b1
            v2[2] += dz * b1
        for p, v, _m in system:
            p[0] += dt * v[0]
            p[1] += dt * v[1]
            p[2] += dt * v[2]


def energy(system, pairs):
    e = 0.0
    for (p1, _v1, m1), (p2, _v2, m2) in pairs:
        dx, dy, dz = p1[0] - p2[0], p1[1] - p2[1], p1[2] - p2[2]
        e -= m1 * m2 / (dx * dx + dy * dy + dz * dz) ** 0.5
    for _p, v, m in system:
        e += m * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) / 2
    return e


def bench():
    system = bodies()
    pairs = [(system[i], system[j]) for i in range(len(system)) for j in range(i + 1, len(system))]
    advance(system, pairs, 0.01, 6000)
    return round(energy(system, pairs), 9)
