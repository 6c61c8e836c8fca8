# copy.deepcopy of nested containers and objects (pure Python, memo dict).
# half: train
import copy


class Node:
    def __init__(self, value, children):
        self.value = value
        self.children = children


def tree(depth):
    if depth == 0:
        return Node(depth, [])
    return Node(depth, [tree(depth - 1) for _ in range(3)])


DATA = {"list": [[i, str(i), (i, i + 1.5)] for i in range(800)],
        "dict": {str(i): {"v": [i] * 3} for i in range(400)},
        "tree": tree(5)}


def count(node):
    return 1 + sum(count(c) for c in node.children)


def bench():
    copies = [copy.deepcopy(DATA) for _ in range(3)]
    return len(copies), count(copies[-1]["tree"]), copies[0]["dict"] == DATA["dict"]
