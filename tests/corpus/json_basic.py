# json: encoding/decoding round trips, formatting options, hooks and errors.
import json
from decimal import Decimal
from collections import OrderedDict

data = {
    "name": "eryx", "version": [1, 2, 3], "ok": True, "none": None,
    "pi": 3.141592653589793, "tiny": 1e-300, "big": 12345678901234567890123,
    "nested": {"a": [1, {"b": [2, 3]}], "empty": {}, "list": []},
    "unicode": "caf\u00e9 \u2603 \U0001f600", "quote": 'say "hi"\n\ttab\\',
}
print(json.dumps(data))
print(json.dumps(data, sort_keys=True, indent=2))
print(ascii(json.dumps(data, ensure_ascii=False, separators=(",", ":"))))
print(json.dumps([1.0, 0.1, -0.0, 1e22, 1e-7, 2.5e-5, float("inf"), float("nan")]))
print(json.dumps({1: "int key", 2.5: "float key", True: "bool", None: "none"}))
print(json.dumps("\x00\x1f\x7f\u2028"), json.dumps((1, (2, 3))))

round_trip = json.loads(json.dumps(data))
print(round_trip == data, sorted(round_trip))
print(json.loads('[1, 2.0, "x", null, true, false, {"k": -1e3}]'))
print(ascii(json.loads('"\\ud83d\\ude00 \\u00e9"')))
print(json.loads('{"a": 1, "a": 2}'))
print(json.loads("1.10", parse_float=Decimal), json.loads("7", parse_int=float))
print(json.loads('{"b": 1, "a": 2}', object_pairs_hook=list))
print(json.loads('{"b": 1, "a": 2}', object_pairs_hook=OrderedDict))
print(json.loads("[NaN, Infinity, -Infinity]", parse_constant=lambda s: "const:" + s))

class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

def encode_default(o):
    if isinstance(o, Point):
        return {"__point__": [o.x, o.y]}
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    if isinstance(o, Decimal):
        return str(o)
    raise TypeError(f"not serializable: {type(o).__name__}")

def decode_hook(d):
    if "__point__" in d:
        return Point(*d["__point__"])
    return d

text = json.dumps({"p": Point(1, 2), "s": {3, 1, 2}, "d": Decimal("1.50")}, default=encode_default)
print(text)
back = json.loads(text, object_hook=decode_hook)
print(type(back["p"]).__name__, back["p"].x, back["p"].y, back["s"], back["d"])

class UpperEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, complex):
            return [o.real, o.imag]
        return super().default(o)

print(json.dumps({"z": 1 + 2j}, cls=UpperEncoder, indent="--"))
for bad in ["", "[1, 2", '{"a" 1}', "[1,]", "tru", '"abc', "{'a': 1}", "1 2"]:
    try:
        json.loads(bad)
    except json.JSONDecodeError as e:
        print(repr(bad), "->", e.msg, e.lineno, e.colno, e.pos)
for bad in [object(), {(1, 2): 3}, float("nan")]:
    try:
        json.dumps(bad, allow_nan=False)
    except (TypeError, ValueError) as e:
        print(type(e).__name__, str(e).split(" at 0x")[0])
dec = json.JSONDecoder()
print(dec.raw_decode('{"x": [1, 2]} trailing'))
print(list(json.JSONEncoder(sort_keys=True).iterencode({"b": [1], "a": None})))
