# Structural pattern matching: literals, captures, sequences, mappings, class patterns,
# guards, or-patterns, as-patterns, wildcards, and a small interpreter built on match.
from dataclasses import dataclass

def classify(obj):
    match obj:
        case None: return "none"
        case True | False as flag: return f"bool {flag}"
        case 0: return "zero"
        case int(n) if n < 0: return f"negative int {n}"
        case int() | float() as num: return f"number {num}"
        case "": return "empty string"
        case str(s) if s.isdigit(): return f"digit string {s}"
        case str(): return f"string of {len(obj)}"
        case []: return "empty list"
        case [x]: return f"singleton {x!r}"
        case [x, y]: return f"pair {x!r},{y!r}"
        case [first, *rest] if isinstance(obj, list): return f"list head={first!r} rest={rest}"
        case (a, b, c): return f"triple tuple {a}{b}{c}"
        case {"type": "user", "name": str(name), **extra}: return f"user {name} extra={sorted(extra)}"
        case {"type": t}: return f"typed mapping {t}"
        case {}: return "other mapping"
        case _: return f"unknown {type(obj).__name__}"

for v in [None, True, 0, -5, 7, 2.5, "", "123", "abc", [], [1], [1, 2], [1, 2, 3], (1, 2, 3), (4, 5),
          {"type": "user", "name": "ann", "age": 3, "admin": True}, {"type": "bot"}, {"x": 1}, {1, 2}]:
    print(f"{v!r:50} -> {classify(v)}")

@dataclass
class Num:
    value: float
@dataclass
class BinOp:
    op: str
    left: object
    right: object
@dataclass
class Neg:
    operand: object

def evaluate(node):
    match node:
        case Num(value=v): return v
        case Neg(Num(0)): return 0
        case Neg(operand=inner): return -evaluate(inner)
        case BinOp("+", l, r): return evaluate(l) + evaluate(r)
        case BinOp("*", Num(0), _) | BinOp("*", _, Num(0)): return 0
        case BinOp(op="*" | "/" as op, left=l, right=r):
            a, b = evaluate(l), evaluate(r)
            return a * b if op == "*" else a / b
        case BinOp(op, _, _):
            raise ValueError(f"unknown operator {op!r}")

tree = BinOp("+", Num(2), BinOp("*", Num(3), Neg(Num(4))))
print(tree)
print(evaluate(tree), evaluate(BinOp("*", Num(0), tree)), evaluate(BinOp("/", Num(7), Num(2))), evaluate(Neg(Num(0))))
try: evaluate(BinOp("%", Num(1), Num(2)))
except ValueError as e: print("ValueError:", e)

def run(commands):
    pos, out = [0, 0], []
    for cmd in commands:
        match cmd.split():
            case ["go", ("north" | "south" | "east" | "west") as d]:
                dx, dy = {"north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0)}[d]
                pos = [pos[0] + dx, pos[1] + dy]
            case ["go", d]: out.append(f"bad direction {d}")
            case ["jump", x, y] if x.lstrip("-").isdigit() and y.lstrip("-").isdigit():
                pos = [int(x), int(y)]
            case ["say", *words]: out.append(" ".join(words))
            case ["quit" | "exit"]: out.append("bye"); break
            case _: out.append(f"? {cmd}")
        out.append(tuple(pos))
    return out

print(run(["go north", "go east", "go up", "jump 5 -2", "say hello there", "dance", "go west", "quit", "go south"]))
point = (3, 4)
match point:
    case (0, 0): print("origin")
    case (x, 0) | (0, x): print("on axis", x)
    case (x, y) as p if x == y: print("diagonal", p)
    case (x, y): print("general", x, y, x * x + y * y)
