# Sparse matrix multiply in compressed-row form: index loops, dicts, floats.
# half: train
import random


def random_csr(n, per_row, rng):
    indptr, indices, data = [0], [], []
    for _ in range(n):
        cols = sorted(rng.sample(range(n), per_row))
        indices.extend(cols)
        data.extend(rng.random() for _ in cols)
        indptr.append(len(indices))
    return indptr, indices, data


def multiply(a, b, n):
    a_ptr, a_idx, a_val = a
    b_ptr, b_idx, b_val = b
    c_ptr, c_idx, c_val = [0], [], []
    for row in range(n):
        acc = {}
        for k in range(a_ptr[row], a_ptr[row + 1]):
            col, x = a_idx[k], a_val[k]
            for m in range(b_ptr[col], b_ptr[col + 1]):
                j = b_idx[m]
                acc[j] = acc.get(j, 0.0) + x * b_val[m]
        for j in sorted(acc):
            c_idx.append(j)
            c_val.append(acc[j])
        c_ptr.append(len(c_idx))
    return c_ptr, c_idx, c_val


def bench():
    rng = random.Random(7)
    n = 600
    a = random_csr(n, 12, rng)
    b = random_csr(n, 12, rng)
    c = multiply(a, b, n)
    return len(c[1]), round(sum(c[2]), 6)
