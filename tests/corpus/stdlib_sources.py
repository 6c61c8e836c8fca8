# Standard library sources and metadata: tracebacks through stdlib frames show
# source lines; inspect, linecache and traceback read stdlib code; every
# module's __file__ (frozen ones included) is under sys._stdlib_dir.
import collections
import inspect
import json
import linecache
import os
import sys
import traceback
import zoneinfo

STDLIB = os.path.dirname(os.__file__)  # /usr/lib/python3.11 natively


def rel(path):
    return path.replace(STDLIB, "<stdlib>") if path else path


print(sys._stdlib_dir == STDLIB, rel(os.__file__), os.__spec__.origin, os.__spec__.has_location)
for module in (os, json, collections, zoneinfo, inspect, traceback, json.decoder):
    print(module.__name__, rel(module.__file__), rel(getattr(module, "__cached__", None)))
print(rel(inspect.getsourcefile(json.dumps)), inspect.getsourcelines(json.dumps)[1])
print(inspect.getsource(json.dumps).splitlines()[0])
print(inspect.getsource(os).splitlines()[0])  # the module's source, from its __file__
try:
    inspect.getsource(os.makedirs)  # frozen code: co_filename is "<frozen os>"
except OSError as exc:
    print("OSError:", exc, os.makedirs.__code__.co_filename)
print(len(inspect.getsource(collections)) > 10000, inspect.getdoc(collections.Counter).splitlines()[0])
print(linecache.getline(json.__file__, 1).rstrip())
print(ascii(linecache.getline(os.__file__, 1)))
print(json.__loader__.get_source("json").splitlines()[0])


def tb_text():
    """The traceback from the first stdlib frame on (this file's path differs)."""
    exc = sys.exception()
    lines = traceback.format_tb(exc.__traceback__.tb_next)
    if isinstance(exc, OSError):  # errno values differ on WASI: the message only
        lines.append("%s: %s\n" % (type(exc).__name__, exc.strerror))
    else:
        lines += traceback.format_exception_only(exc)
    return rel("".join(lines))


try:
    json.loads('{"key": [1, 2,, 3]}')
except json.JSONDecodeError:
    print(tb_text())
try:
    os.fsencode(1)  # the error comes from a frame of the frozen os module
except TypeError:
    print(tb_text())
try:
    collections.namedtuple("P", ["x", "x"])
except ValueError:
    print(tb_text())

frames = traceback.extract_stack()
print(frames[-1].line, frames[-1].lineno)
try:
    dict(zip([1], [2], strict=True), **{"a": 1}).popitem()
    list(zip([1], [2, 3], strict=True))
except ValueError as exc:
    summary = traceback.TracebackException.from_exception(exc)
    print(summary.exc_type.__name__, summary.stack[-1].line)
