# User frames called from pure-Python standard-library frames and returning
# into them: inline calls both ways, exceptions unwinding through library
# frames, and user generators resumed by a library generator.
import copy
import heapq
import json


class Node:
    def __init__(self, value):
        self.value = value

    def __deepcopy__(self, memo):
        # copy.deepcopy (Python) calls this inline
        return Node(self.value * 2)


def default(obj):
    # json's Python encoder (indent set) calls this for unknown objects
    if isinstance(obj, Node):
        return {"node": obj.value}
    raise TypeError("no")


def evens(n):
    for i in range(0, n, 2):
        yield i


def odds(n):
    for i in range(1, n, 2):
        yield i


nodes = copy.deepcopy([Node(1), Node(2)])
text = json.dumps({"a": nodes}, indent=1, default=default)
merged = list(heapq.merge(evens(6), odds(6)))
try:
    json.dumps(object(), indent=1, default=default)
except TypeError as e:
    caught = str(e)
print(len(text), merged, caught)
