# A small ray tracer: vector objects, method calls, float math.
# half: held-out
import math


class Vec:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x, self.y, self.z = x, y, z

    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y, self.z + o.z)

    def __sub__(self, o):
        return Vec(self.x - o.x, self.y - o.y, self.z - o.z)

    def scale(self, k):
        return Vec(self.x * k, self.y * k, self.z * k)

    def dot(self, o):
        return self.x * o.x + self.y * o.y + self.z * o.z

    def norm(self):
        return self.scale(1.0 / math.sqrt(self.dot(self)))


class Sphere:
    def __init__(self, center, radius, color, reflect):
        self.center, self.radius, self.color, self.reflect = center, radius, color, reflect

    def hit(self, origin, direction):
        oc = origin - self.center
        b = oc.dot(direction)
        c = oc.dot(oc) - self.radius * self.radius
        disc = b * b - c
        if disc < 0:
            return None
        t = -b - math.sqrt(disc)
        return t if t > 1e-6 else None

    def normal(self, point):
        return (point - self.center).norm()


class Scene:
    def __init__(self):
        self.objects = [
            Sphere(Vec(0, -1, 3), 1, Vec(1, 0, 0), 0.2),
            Sphere(Vec(2, 0, 4), 1, Vec(0, 0, 1), 0.3),
            Sphere(Vec(-2, 0, 4), 1, Vec(0, 1, 0), 0.1),
            Sphere(Vec(0, -5001, 0), 5000, Vec(1, 1, 0), 0.5),
        ]
        self.light = Vec(2, 1, 0).norm()

    def trace(self, origin, direction, depth):
        nearest, obj = float("inf"), None
        for o in self.objects:
            t = o.hit(origin, direction)
            if t is not None and t < nearest:
                nearest, obj = t, o
        if obj is None:
            return Vec(0.1, 0.1, 0.1)
        point = origin + direction.scale(nearest)
        normal = obj.normal(point)
        shade = max(0.0, normal.dot(self.light))
        color = obj.color.scale(0.2 + 0.8 * shade)
        if depth < 2 and obj.reflect > 0:
            ray = direction - normal.scale(2 * direction.dot(normal))
            color = color.scale(1 - obj.reflect) + self.trace(point, ray, depth + 1).scale(obj.reflect)
        return color


def bench():
    scene = Scene()
    w = h = 48
    eye = Vec(0, 0, -1)
    total = 0.0
    for j in range(h):
        for i in range(w):
            d = Vec((i - w / 2) / w, (h / 2 - j) / h, 1).norm()
            c = scene.trace(eye, d, 0)
            total += c.x + c.y + c.z
    return round(total, 6)
