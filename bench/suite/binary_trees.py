# Allocation churn: build and walk many short-lived binary trees (tuples, gc).
# half: held-out


def make(depth):
    return (None, None) if depth == 0 else (make(depth - 1), make(depth - 1))


def check(node):
    left, right = node
    return 1 if left is None else 1 + check(left) + check(right)


class Node:
    __slots__ = ("left", "right")

    def __init__(self, left, right):
        self.left, self.right = left, right


def make_objects(depth):
    return Node(None, None) if depth == 0 else Node(make_objects(depth - 1), make_objects(depth - 1))


def count(node):
    return 1 if node.left is None else 1 + count(node.left) + count(node.right)


def bench():
    long_lived = make(14)
    total = 0
    for depth in range(4, 14, 2):
        for _ in range(2 ** (14 - depth)):
            total += check(make(depth))
    total += count(make_objects(14))
    return total, check(long_lived)
