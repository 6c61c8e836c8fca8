"""Tracing of generated programs: for each seed, a random program of nested
loops (for, while, break, continue), if/elif/else, try/except/finally,
with, comprehensions, conditional expressions, calls, generators and
`yield from`, and a hot loop at the end so that the called functions get
quickened and specialized while traced. `eryx run --trace` must report
exactly the events native sys.settrace reports for it (tests/test_trace.py
is the oracle). The file tracer's line traps sit where lines start and where
jumps and handlers land; these programs put such places everywhere.

usage: python3.11 tests/trace_generated.py [FIRST_SEED [COUNT]]
       (default: seeds 0..59; a failing program is kept for a look)
Ends with the line "N passed, N failed".
"""
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_trace  # noqa: E402

PRELUDE = """def f0(x):
    return x + 1
def f1(x):
    if x > 2:
        return f0(x)
    return -x
def f2(x):
    y = 0
    for i in range(x):
        y += f1(i)
    return y
def g(n):
    for i in range(n):
        yield i
    yield from range(2)
"""


def program(seed):
    """The source of program `seed`, the same on every run."""
    r = random.Random(seed)
    lines = [PRELUDE.rstrip("\n")]

    def block(depth, indent, count=None):
        for _ in range(count if count is not None else r.randrange(1, 3)):
            statement(depth, indent)

    def statement(depth, indent):
        p = "    " * indent
        v = r.choice("abcxyz")
        kind = r.randrange(9 if depth < 3 else 4)
        if kind == 0:
            lines.append(f"{p}{v} = {r.randrange(10)} + len(str({r.randrange(100)}))")
        elif kind == 1:
            lines.append(f"{p}{v} = [i * 2 for i in range({r.randrange(4)}) if i % 2 == 0]")
        elif kind == 2:
            lines.append(f"{p}{v} = f{r.randrange(3)}({r.randrange(5)}) if {r.randrange(2)} else -1")
        elif kind == 3:
            lines.append(f"{p}{v} = sum(g({r.randrange(4)}))")
        elif kind == 4:
            lines.append(f"{p}for i{depth} in range({r.randrange(4)}):")
            block(depth + 1, indent + 1)
            if r.random() < 0.3:
                lines.append(f"{p}    if i{depth} == 1: continue")
        elif kind == 5:
            lines.append(f"{p}n{depth} = {r.randrange(4)}")
            lines.append(f"{p}while n{depth} > 0:")
            lines.append(f"{p}    n{depth} -= 1")
            block(depth + 1, indent + 1)
            if r.random() < 0.3:
                lines.append(f"{p}    if n{depth} == 1: break")
        elif kind == 6:
            lines.append(f"{p}try:")
            block(depth + 1, indent + 1, 1)
            lines.append(f"{p}    {r.choice(['1 / 0', 'int(chr(120))', 'pass', '[][1]'])}")
            lines.append(f"{p}except (ZeroDivisionError, ValueError):")
            block(depth + 1, indent + 1, 1)
            lines.append(f"{p}except IndexError:")
            lines.append(f"{p}    pass")
            if r.random() < 0.5:
                lines.append(f"{p}finally:")
                block(depth + 1, indent + 1, 1)
        elif kind == 7:
            lines.append(f"{p}if {v} if '{v}' in dir() else 0:")
            block(depth + 1, indent + 1, 1)
            lines.append(f"{p}elif {r.randrange(2)}:")
            block(depth + 1, indent + 1, 1)
            lines.append(f"{p}else:")
            block(depth + 1, indent + 1, 1)
        else:
            lines.append(f"{p}with __import__('contextlib').nullcontext():")
            block(depth + 1, indent + 1, 1)

    block(0, 0, r.randrange(3, 9))
    lines.append("for _ in range(12):\n    f2(3)")
    return "\n".join(lines) + "\n"


def main(argv):
    first = int(argv[0]) if argv else 0
    count = int(argv[1]) if len(argv) > 1 else 60
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first, first + count):
            path = os.path.join(tmp, "generated_%d.py" % seed)
            with open(path, "w") as f:
                f.write(program(seed))
            try:
                test_trace.check_program(path)
            except Exception as e:  # a mismatch, or a crash of the harness
                failed += 1
                kept = os.path.join(tempfile.gettempdir(), os.path.basename(path))
                with open(kept, "w") as f:
                    f.write(program(seed))
                print("FAIL seed %d (program kept in %s)\n    %s"
                      % (seed, kept, str(e).replace("\n", "\n    ")[:2000]))
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
