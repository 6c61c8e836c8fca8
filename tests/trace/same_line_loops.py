# Backward jumps that stay on one line make a line event each time, as in
# native CPython; forward jumps on the same line do not.
def count(n):
    i = 0
    while i < n: i += 1
    return i


def pick(flag):
    return "a" if flag else "b"


for k in range(12):
    count(k % 4)
    pick(k % 2)
