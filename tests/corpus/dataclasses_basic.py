# dataclasses: defaults, factories, ordering, frozen, slots, kw_only, InitVar, asdict/astuple/replace.
import dataclasses
from dataclasses import dataclass, field, asdict, astuple, replace, fields, InitVar, KW_ONLY
from typing import ClassVar, List

@dataclass
class Item:
    name: str
    price: float
    qty: int = 1
    tags: List[str] = field(default_factory=list)
    total: float = field(init=False, repr=False)
    registry: ClassVar[int] = 0

    def __post_init__(self):
        self.total = round(self.price * self.qty, 2)
        Item.registry += 1

a = Item("pen", 1.25, 4, ["office"])
b = Item("ink", 7.5)
print(a, b, a.total, b.total, Item.registry)
print(asdict(a), astuple(b), [f.name for f in fields(Item)], a == Item("pen", 1.25, 4, ["office"]))
b.tags.append("x")
print(Item("c", 1).tags, replace(a, qty=10), replace(a, qty=10).total)

@dataclass(order=True, frozen=True)
class Card:
    sort_index: int = field(init=False, repr=False, compare=True)
    rank: int
    suit: str = field(compare=False)

    def __post_init__(self):
        object.__setattr__(self, "sort_index", self.rank * 10)

cards = [Card(12, "hearts"), Card(3, "spades"), Card(12, "clubs"), Card(1, "diamonds")]
print(sorted(cards), max(cards), Card(3, "a") == Card(3, "b"), Card(2, "x") < Card(5, "y"))
try:
    cards[0].rank = 5
except dataclasses.FrozenInstanceError as e:
    print("FrozenInstanceError:", e)
print(len({Card(1, "a"), Card(1, "b"), Card(2, "a")}))

@dataclass(slots=True, kw_only=True)
class Config:
    host: str = "localhost"
    port: int = 8080
    debug: bool = False

cfg = Config(port=9000, debug=True)
print(cfg, hasattr(cfg, "__dict__"), Config.__slots__, Config.__match_args__)
try: Config("h")
except TypeError as e: print("TypeError:", e)

@dataclass
class Account:
    owner: str
    _: KW_ONLY
    balance: int = 0
    secret: InitVar[str | None] = None
    masked: str = field(init=False, default="")

    def __post_init__(self, secret):
        self.masked = "*" * len(secret) if secret else "-"

print(Account("ann", balance=5, secret="hunter2"), Account("bob"), Account.__match_args__)

@dataclass
class Node:
    value: int
    children: list["Node"] = field(default_factory=list)

tree = Node(1, [Node(2, [Node(4)]), Node(3)])
print(tree)
print(asdict(tree))
match tree:
    case Node(value=1, children=[Node(value=v), *rest]):
        print("first child", v, "rest", len(rest))

Dyn = dataclasses.make_dataclass("Dyn", [("a", int), ("b", str, field(default="z"))], namespace={"twice": lambda self: self.a * 2})
print(Dyn(4), Dyn(4).twice(), [f.name for f in fields(Dyn)])
try:
    dataclasses.make_dataclass("Bad", [("x", list, [])])
except ValueError as e:
    print("ValueError:", e, dataclasses.is_dataclass(Dyn), dataclasses.is_dataclass(int))
