# N-queens by permutations: itertools, sets and generator expressions.
# half: held-out
from itertools import permutations


def queens(n):
    cols = range(n)
    for vec in permutations(cols):
        if n == len({vec[i] + i for i in cols}) == len({vec[i] - i for i in cols}):
            yield vec


def bench():
    return len(list(queens(8))), sum(1 for _ in queens(6))
