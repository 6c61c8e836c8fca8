"""Host callbacks: eryx.Callback, the eryx.callback decorator, and the JSON
Schema of a function's parameters derived from its signature and type hints.

The C core (sandbox.c) turns whatever is registered into a Callback with
as_callback() and calls its `target` with the guest's keyword arguments.
"""
import collections.abc
import dataclasses
import enum
import inspect
import json
import types
import typing

__all__ = ["Callback", "callback", "parameters_schema"]


class Callback:
    """A host function exposed to the guest as an async global.

    Callback(function, *, name=None, description=None, schema=None)

    name: what the guest calls it: an identifier or dotted identifiers
        ("http.get" makes a namespace `http` with `get` in it). Default: the
        function's __name__.
    description: free text for the guest's list_callbacks() (and for agents).
        Default: the function's docstring.
    schema: the JSON Schema (a dict, or its JSON text) of the keyword
        arguments; the order of its "properties" maps positional arguments in
        the guest. Default: derived from the signature and type hints
        (parameters_schema).

    The function is a plain function or an `async def` coroutine function; it
    is called with the guest's arguments as keyword arguments. Its return value
    goes back to the guest as JSON (dict, list, tuple, str, int, float, bool,
    None); an exception, or a value that is not JSON, makes the guest's await
    raise CallbackError with the message ("ValueError: bad input"). A Callback is
    callable like its function.
    """

    __slots__ = {
        "function": "The function, as given.",
        "name": "The name the guest calls it by.",
        "description": "Its description for list_callbacks().",
        "schema": "The JSON Schema of its keyword arguments (a dict).",
        "schema_json": "The same schema as JSON text.",
        "target": "What is called with the guest's keyword arguments.",
    }

    def __init__(self, function, *, name=None, description=None, schema=None):
        if not callable(function):
            raise TypeError("a callback must be callable, not %s" % type(function).__name__)
        self.function = function
        self.name = name if name is not None else getattr(function, "__name__", None)
        if not isinstance(self.name, str):
            raise TypeError("callback name must be a str; give name= for %r" % (function,))
        if description is None:
            description = inspect.getdoc(function) or ""
        if not isinstance(description, str):
            raise TypeError("callback description must be a str")
        self.description = description
        if schema is None:
            schema = parameters_schema(function)
        elif isinstance(schema, str):
            schema = json.loads(schema)
        if not isinstance(schema, dict):
            raise TypeError("callback schema must be a dict (a JSON Schema object)")
        self.schema = schema
        self.schema_json = json.dumps(schema, allow_nan=False)
        self.target = _keyword_target(function)

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def __repr__(self):
        return "Callback(%r, name=%r)" % (self.function, self.name)


def callback(function=None, *, name=None, description=None, schema=None):
    """Makes an eryx.Callback, for Sandbox(callbacks=[...]). As a decorator:

        @eryx.callback
        def get_time() -> float: ...

        @eryx.callback(name="http.get", description="Fetches a URL.")
        async def fetch(url: str) -> str: ...
    """
    if function is None:
        return lambda f: Callback(f, name=name, description=description, schema=schema)
    return Callback(function, name=name, description=description, schema=schema)


def as_callback(function, name, description, schema):
    """What the C core registers: `function` as a Callback (one given as a
    Callback is taken as it is, unless options override its own)."""
    if isinstance(function, Callback):
        if name is None and description is None and schema is None:
            return function
        return Callback(function.function,
                        name=function.name if name is None else name,
                        description=function.description if description is None else description,
                        schema=function.schema if schema is None else schema)
    return Callback(function, name=name, description=description, schema=schema)


def _keyword_target(function):
    """The callable that takes the guest's keyword arguments: the function
    itself, or for positional-only parameters, a wrapper that passes those by
    position."""
    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return function
    positional = [p.name for p in params if p.kind is p.POSITIONAL_ONLY]
    if not positional:
        return function

    def target(**kwargs):
        args = [kwargs.pop(n) for n in positional if n in kwargs]
        return function(*args, **kwargs)

    return target


def parameters_schema(function):
    """The JSON Schema of `function`'s parameters as keyword arguments:
    {"type": "object", "properties": {...}, "required": [...]}, properties in
    signature order. Type hints become schemas (str, int, float, bool, None,
    list[X], tuple[...], dict[str, X], X | None, Union, Literal, Enum,
    TypedDict, Annotated[X, "description"]); unannotated parameters accept any
    JSON value. **kwargs allows further properties; *args is left out."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return {"type": "object"}
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except Exception:  # unresolvable forward references: use what is there
        hints = {}
    properties, required, extra = {}, [], False
    for p in signature.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            continue
        if p.kind is p.VAR_KEYWORD:
            extra = True
            continue
        hint = hints.get(p.name, p.annotation)
        prop = _type_schema(hint) if hint is not p.empty else {}
        if p.default is p.empty:
            required.append(p.name)
        else:
            try:
                default = json.loads(json.dumps(p.default, allow_nan=False))
                prop = dict(prop, default=default)
            except (TypeError, ValueError):
                pass
        properties[p.name] = prop
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if not extra:
        schema["additionalProperties"] = False
    return schema


_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean",
            type(None): "null"}


def _type_schema(hint):
    """The JSON Schema of one type hint; {} (anything) for what JSON cannot
    say."""
    if hint is None or hint is type(None):
        return {"type": "null"}
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}
    if hint is typing.Any or isinstance(hint, (str, typing.TypeVar)):
        return {}
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        schema = _type_schema(args[0])
        notes = [a for a in args[1:] if isinstance(a, str)]
        return dict(schema, description=" ".join(notes)) if notes else schema
    if origin is typing.Union or origin is types.UnionType:
        return {"anyOf": [_type_schema(a) for a in args]}
    if origin is typing.Literal:
        return {"enum": list(args)}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"enum": [m.value for m in hint]}
    if isinstance(hint, type) and typing.is_typeddict(hint):
        sub = typing.get_type_hints(hint)
        schema = {"type": "object", "properties": {k: _type_schema(v) for k, v in sub.items()}}
        required = sorted(getattr(hint, "__required_keys__", ()))
        return dict(schema, required=required) if required else schema
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return {"type": "object"}
    container = origin if origin is not None else hint
    if container is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type_schema(args[0])}
        if args:
            return {"type": "array", "prefixItems": [_type_schema(a) for a in args],
                    "minItems": len(args), "maxItems": len(args)}
        return {"type": "array"}
    if isinstance(container, type):
        if issubclass(container, (str, bytes)):
            return {"type": "string"} if issubclass(container, str) else {}
        if issubclass(container, collections.abc.Mapping):
            schema = {"type": "object"}
            if len(args) == 2:
                schema["additionalProperties"] = _type_schema(args[1])
            return schema
        if issubclass(container, (collections.abc.Sequence, collections.abc.Set)):
            schema = {"type": "array"}
            if args:
                schema["items"] = _type_schema(args[0])
            return schema
    return {}
