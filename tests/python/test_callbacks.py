"""Host callbacks: registration, schemas, errors, JSON, async callbacks."""
import asyncio
import enum
import json
import threading
import typing

import pytest

import eryx


def test_decorator_and_positional_mapping():
    sb = eryx.Sandbox()

    @sb.callback
    def add(a: int, b: int = 2) -> int:
        """Adds two numbers."""
        return a + b

    assert sb.execute("result = [await add(1), await add(3, b=4), await add(5, 6)]").result == [
        3, 7, 11]
    listed = sb.execute("result = list_callbacks()").result
    assert listed == [{"name": "add", "description": "Adds two numbers.", "parameters_schema": {
        "type": "object", "properties": {"a": {"type": "integer"},
                                         "b": {"type": "integer", "default": 2}},
        "required": ["a"], "additionalProperties": False}}]
    assert sb.execute("result = 1").stats.callback_invocations == 0


def test_decorator_with_options_and_dotted_name():
    sb = eryx.Sandbox()

    @sb.callback(name="http.get", description="Fetches.", schema={"type": "object",
                                                                   "properties": {"url": {}}})
    def fetch(**kwargs):
        return {"got": kwargs}

    assert fetch(url="x") == {"got": {"url": "x"}}  # the decorator returns the function
    assert sb.execute("result = await http.get('u')").result == {"got": {"url": "u"}}
    assert sb.execute("result = await invoke('http.get', url='v')").result == {"got": {"url": "v"}}


def test_list_dict_and_callback_objects():
    def one():
        return 1

    def two():
        return 2

    three = eryx.callback(lambda: 3, name="three")

    @eryx.callback(name="four")
    async def four_impl():
        return 4

    sb = eryx.Sandbox(callbacks=[one, three, four_impl])
    assert sb.execute("result = [await one(), await three(), await four()]").result == [1, 3, 4]
    assert [c.name for c in sb.callbacks] == ["one", "three", "four"]
    sb2 = eryx.Sandbox(callbacks={"ns.two": two, "uno": one})
    assert sb2.execute("result = [await ns.two(), await uno()]").result == [2, 1]


def test_bad_registrations():
    with pytest.raises(ValueError, match="cannot register callback 'class'"):
        eryx.Sandbox(callbacks={"class": print})
    with pytest.raises(ValueError, match="cannot register callback 'f'"):
        eryx.Sandbox(callbacks=[eryx.callback(len, name="f"), eryx.callback(len, name="f")])
    with pytest.raises(TypeError, match="must be callable"):
        eryx.Sandbox(callbacks=[3])
    with pytest.raises(TypeError):
        eryx.Sandbox(callbacks=5)
    with pytest.raises(TypeError, match="name="):
        eryx.Sandbox(callbacks=[functools_partial_without_name()])


def functools_partial_without_name():
    import functools
    return functools.partial(print, "x")


def test_callback_that_raises():
    def broken(x):
        raise ValueError("bad input %s" % x)

    sb = eryx.Sandbox(callbacks=[broken])
    code = ("try:\n    await broken(7)\nexcept CallbackError as e:\n    result = str(e)\n")
    assert sb.execute(code).result == "ValueError: bad input 7"
    with pytest.raises(eryx.ExecutionError) as e:
        sb.execute("await broken(1)")
    assert e.value.type == "CallbackError" and "bad input 1" in e.value.message


def test_wrong_arguments_are_a_callback_error():
    sb = eryx.Sandbox(callbacks=[lambda_named("f", lambda a: a)])
    code = "try:\n    await f(zzz=1)\nexcept CallbackError as e:\n    result = str(e)"
    assert "TypeError" in sb.execute(code).result


def lambda_named(name, fn):
    return eryx.callback(fn, name=name)


def test_callback_returning_non_json():
    values = {"set": {1}, "nan": float("nan"), "obj": object(), "bytes": b"x",
              "key": {(1, 2): 3}, "surrogate": "\ud800"}
    sb = eryx.Sandbox(callbacks={k: (lambda v=v: v) for k, v in values.items()})
    for name in values:
        code = ("try:\n    await %s()\nexcept CallbackError as e:\n    result = str(e)" % name)
        message = sb.execute(code).result
        assert message.startswith("callback '%s' returned a value that is not JSON: " % name)
    cyclic = []
    cyclic.append(cyclic)
    sb2 = eryx.Sandbox(callbacks={"c": lambda: cyclic})
    assert "nested too deeply" in sb2.execute(
        "try:\n    await c()\nexcept CallbackError as e:\n    result = str(e)").result


def test_json_values_round_trip():
    class Color(enum.IntEnum):
        RED = 1

    value = {"s": "é\n\"\\", "i": 10 ** 40, "neg": -3, "f": 0.1, "t": (1, 2), "b": [True, False],
             "n": None, "e": Color.RED, 1: "int key", 2.5: "float key", None: "none key",
             "nested": [[[{"deep": 1.0}]]], "big": 1e300}
    sb = eryx.Sandbox(callbacks={"get": lambda: value, "echo": lambda **kw: kw})
    got = sb.execute("result = await get()").result
    assert got == json.loads(json.dumps(value))
    args = {"a": [1, 2.0, "x", None, True, {"k": []}], "u": "\u2603\U0001F600"}
    assert sb.execute("result = await echo(**%r)" % (args,)).result == args


def test_async_callbacks_with_sync_execute():
    seen = []

    async def slow(n: int):
        seen.append(asyncio.get_running_loop())
        await asyncio.sleep(0.01)
        return n * 2

    sb = eryx.Sandbox(callbacks=[slow])
    code = "import asyncio\nresult = await asyncio.gather(slow(1), slow(2), slow(3))"
    assert sb.execute(code).result == [2, 4, 6]
    assert len(set(map(id, seen))) == 1  # eryx's background loop


def test_async_callback_that_raises():
    async def boom():
        await asyncio.sleep(0)
        raise KeyError("k")

    sb = eryx.Sandbox(callbacks=[boom])
    assert sb.execute("try:\n    await boom()\nexcept CallbackError as e:\n    result = str(e)"
                      ).result == "KeyError: 'k'"


def test_callback_timeout():
    release = threading.Event()

    async def forever():
        await asyncio.sleep(60)

    sb = eryx.Sandbox(callbacks=[forever], callback_timeout=0.2)
    code = "try:\n    await forever()\nexcept TimeoutError as e:\n    result = str(e)"
    assert "timed out" in sb.execute(code).result
    release.set()


def test_keyboard_interrupt_in_callback_propagates():
    def stop():
        raise KeyboardInterrupt

    sb = eryx.Sandbox(callbacks=[stop])
    with pytest.raises(KeyboardInterrupt):
        sb.execute("await stop()\nwhile True: pass")
    assert sb.execute("result = 1").result == 1


def test_nested_execution_in_callback():
    inner = eryx.Sandbox()
    outer = eryx.Sandbox(callbacks={"inner": lambda code: inner.execute(code).result})
    assert outer.execute("result = await inner(code='result = 6 * 7')").result == 42
    # The sandbox that is running cannot be used again from its callback.
    reentrant = eryx.Sandbox()
    reentrant.callback(lambda: reentrant.execute("pass"), name="again")
    msg = reentrant.execute("try:\n    await again()\nexcept CallbackError as e:\n"
                            "    result = str(e)").result
    assert msg.startswith("BusyError: the sandbox is in use")


def test_session_callbacks_fixed_once_it_ran():
    session = eryx.Session()
    session.callback(lambda: 1, name="early")
    session.execute("x = 1")
    with pytest.raises(eryx.Error, match="fixed once it has run code"):
        session.callback(lambda: 2, name="late")
    assert session.execute("result = [x, await early()]").result == [1, 1]


def test_max_callbacks():
    sb = eryx.Sandbox(callbacks={"f": lambda: 1}, max_callbacks=2)
    code = "await f()\nawait f()\ntry:\n    await f()\nexcept CallbackError as e:\n    result = str(e)"
    assert "limit" in sb.execute(code).result


# ---- schemas from signatures ----

class Point(typing.TypedDict):
    x: int
    y: float


class Mode(enum.Enum):
    FAST = "fast"
    SLOW = "slow"


def test_parameters_schema():
    def f(a, b: str, c: int | None = None, *args, d: list[int] = (), e: dict[str, float] = None,
          f: typing.Literal["x", "y"] = "x", g: tuple[int, str] = (1, "a"),
          h: typing.Annotated[float, "seconds to wait"] = 1.0, p: Point = None, m: Mode = Mode.FAST,
          t: tuple[int, ...] = (), s: typing.Optional[bool] = None, **rest):
        pass

    schema = eryx.parameters_schema(f)
    props = schema["properties"]
    assert list(props) == ["a", "b", "c", "d", "e", "f", "g", "h", "p", "m", "t", "s"]
    assert schema["required"] == ["a", "b"]
    assert "additionalProperties" not in schema  # **rest
    assert props["a"] == {}
    assert props["b"] == {"type": "string"}
    assert props["c"] == {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None}
    assert props["d"] == {"type": "array", "items": {"type": "integer"}, "default": []}
    assert props["e"]["additionalProperties"] == {"type": "number"}
    assert props["f"] == {"enum": ["x", "y"], "default": "x"}
    assert props["g"]["prefixItems"] == [{"type": "integer"}, {"type": "string"}]
    assert props["h"] == {"type": "number", "description": "seconds to wait", "default": 1.0}
    assert props["p"]["properties"] == {"x": {"type": "integer"}, "y": {"type": "number"}}
    assert props["m"] == {"enum": ["fast", "slow"]}  # an Enum default is not JSON: left out
    assert props["t"] == {"type": "array", "items": {"type": "integer"}, "default": []}
    assert props["s"]["anyOf"] == [{"type": "boolean"}, {"type": "null"}]


def test_positional_only_parameters():
    def div(a, b, /):
        return a / b

    sb = eryx.Sandbox(callbacks=[div])
    assert sb.execute("result = [await div(6, 3), await div(a=1, b=4)]").result == [2.0, 0.25]


def test_explicit_schema_as_json_text():
    cb = eryx.callback(lambda **kw: sorted(kw), name="keys",
                       schema='{"type": "object", "properties": {"z": {}, "y": {}}}')
    sb = eryx.Sandbox(callbacks=[cb])
    assert sb.execute("result = await keys(1, 2)").result == ["y", "z"]
