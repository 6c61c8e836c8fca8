# typing: generics, TypedDict, NamedTuple, Protocol, Literal/Union/Optional/Annotated introspection.
import typing
from typing import (Any, Callable, ClassVar, Generic, Iterator, Literal, NamedTuple, Optional,
                    Protocol, TypedDict, TypeVar, Union, Annotated, get_args, get_origin, get_type_hints,
                    runtime_checkable, cast, overload, Final, NotRequired, Required, Self, assert_never)

T = TypeVar("T")
K = TypeVar("K", bound=str)
N = TypeVar("N", int, float)
print(T, K.__bound__, N.__constraints__, T.__name__, typing.AnyStr.__constraints__)

class Stack(Generic[T]):
    def __init__(self) -> None:
        self.items: list[T] = []
    def push(self, item: T) -> Self:
        self.items.append(item)
        return self
    def pop(self) -> T: return self.items.pop()

s = Stack[int]().push(1).push(2)
print(s.pop(), s.items, Stack[int], Stack[str].__origin__ is Stack, Stack.__parameters__)

class Movie(TypedDict):
    title: str
    year: int
    rating: NotRequired[float]

class Partial(TypedDict, total=False):
    a: int
    b: Required[str]

m: Movie = {"title": "Alien", "year": 1979}
print(m, type(m).__name__, sorted(Movie.__required_keys__), sorted(Movie.__optional_keys__), sorted(Partial.__required_keys__))

class Employee(NamedTuple):
    name: str
    dept: str = "eng"
    level: int = 1

e = Employee("ada")
print(e, e._fields, e._field_defaults, Employee.__annotations__)

@runtime_checkable
class Closable(Protocol):
    def close(self) -> None: ...

class Res:
    def close(self) -> None: pass

print(isinstance(Res(), Closable), isinstance(42, Closable), issubclass(Res, Closable))
for tp in [list[int], dict[str, list[int]], Optional[int], Union[int, str], int | None, Literal["a", 1],
           Callable[[int, str], bool], Callable[..., Any], tuple[int, ...], Annotated[int, "meta", 3],
           ClassVar[int], Iterator[str], type[int], Union[int, Union[str, int]]]:
    print(repr(tp), "| origin:", get_origin(tp), "| args:", get_args(tp))

def f(a: int, b: Optional[str] = None, *args: float, c: list["Movie"], **kw: Any) -> dict[str, int]: return {}

hints = get_type_hints(f)
print({k: repr(v) for k, v in hints.items()})
print(f.__annotations__)
def g(x: Annotated[int, "unit:m"]) -> None: pass
print(get_type_hints(Movie), get_type_hints(Employee), get_type_hints(g), get_type_hints(g, include_extras=True))
print(typing.get_type_hints(Stack.__init__), cast(int, "not checked"), cast("list[str]", [1]))

@overload
def double(x: int) -> int: ...
@overload
def double(x: str) -> str: ...
def double(x): return x * 2

print(double(4), double("ab"), Final[int], Literal["x"] == Literal["x"], Union[int, str] == Union[str, int])
def handle(v: int | str) -> str:
    if isinstance(v, int):
        return "int"
    elif isinstance(v, str):
        return "str"
    else:
        assert_never(v)
print(handle(1), handle("s"), Optional[int] == Union[int, None], int | str == Union[int, str])
try: assert_never("bad")
except AssertionError as e: print("AssertionError:", e)
