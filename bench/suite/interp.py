# A small stack-machine interpreter written in Python: dispatch on opcodes.
# half: train


def run(code, n):
    stack, pc, env = [], 0, {"n": n, "acc": 0, "i": 0}
    while True:
        op, arg = code[pc]
        pc += 1
        if op == "load":
            stack.append(env[arg])
        elif op == "const":
            stack.append(arg)
        elif op == "store":
            env[arg] = stack.pop()
        elif op == "add":
            b = stack.pop()
            stack.append(stack.pop() + b)
        elif op == "mul":
            b = stack.pop()
            stack.append(stack.pop() * b)
        elif op == "mod":
            b = stack.pop()
            stack.append(stack.pop() % b)
        elif op == "lt":
            b = stack.pop()
            stack.append(stack.pop() < b)
        elif op == "jump_if_false":
            if not stack.pop():
                pc = arg
        elif op == "jump":
            pc = arg
        elif op == "halt":
            return env["acc"]


PROGRAM = [
    ("load", "i"), ("load", "n"), ("lt", None), ("jump_if_false", 17),
    ("load", "acc"), ("load", "i"), ("load", "i"), ("mul", None), ("const", 1000003), ("mod", None),
    ("add", None), ("store", "acc"),
    ("load", "i"), ("const", 1), ("add", None), ("store", "i"), ("jump", 0),
    ("halt", None),
]


def bench():
    return run(PROGRAM, 12000)
