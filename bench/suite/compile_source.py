# The compiler: compile() of generated source, ast.parse and ast walking.
# half: train
import ast

SOURCE = "\n".join(
    "def f%d(a, b=%d, *c, **d):\n"
    "    x = [i * a for i in range(b) if i %% 2]\n"
    "    for k, v in d.items():\n"
    "        x.append((k, v, {'a': a, 'b': b}))\n"
    "    try:\n"
    "        return sum(x) if x else a ** b\n"
    "    except TypeError as e:\n"
    "        return str(e)\n" % (i, i) for i in range(40))


def bench():
    total = 0
    for _ in range(3):
        code = compile(SOURCE, "<bench>", "exec")
        total += len(code.co_consts)
        tree = ast.parse(SOURCE)
        total += sum(1 for _ in ast.walk(tree))
    return total, len(ast.dump(tree))
