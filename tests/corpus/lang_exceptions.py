# Exceptions: custom hierarchies, chaining (__cause__/__context__), raise from None, notes,
# ExceptionGroup/except*, try/except/else/finally ordering, warnings captured.
# Only traceback.format_exception_only is printed (full tracebacks contain file paths).
import errno
import traceback
import warnings

def fmt(exc): return "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n")

class AppError(Exception):
    def __init__(self, msg, code=0):
        super().__init__(msg, code)
        self.code = code
    def __str__(self): return f"[{self.code}] {self.args[0]}"

class NotFound(AppError, LookupError): pass

def load(key, data):
    try: return data[key]
    except KeyError as e: raise NotFound(f"missing {key!r}", 404) from e

try:
    load("x", {})
except AppError as e:
    print(fmt(e), "| cause:", fmt(e.__cause__), "| suppress:", e.__suppress_context__, "| isinstance LookupError:", isinstance(e, LookupError))
    print(repr(e), e.args, e.code, [c.__name__ for c in type(e).__mro__])
try:
    try: 1 / 0
    except ZeroDivisionError: int("not a number")
except ValueError as e:
    print(fmt(e), "| context:", fmt(e.__context__), "| cause:", e.__cause__)
try:
    try: {}["k"]
    except KeyError: raise RuntimeError("clean") from None
except RuntimeError as e:
    print(fmt(e), e.__cause__, type(e.__context__).__name__, e.__suppress_context__)

def order(fail):
    steps = []
    try:
        steps.append("try")
        if fail:
            raise OSError(2, "No such thing")
    except OSError as e:
        steps.append(f"except errno={e.errno} strerror={e.strerror}")
        return steps
    else:
        steps.append("else")
    finally:
        steps.append("finally")
    return steps

print(order(False), order(True))
def finally_wins():
    try: return "try"
    finally: return "finally"
print(finally_wins())
e = ValueError("bad value")
e.add_note("while parsing line 3")
e.add_note("hint: use an integer")
print(fmt(e).replace("\n", " / "), e.__notes__)
eg = ExceptionGroup("several", [ValueError("v1"), TypeError("t1"), ExceptionGroup("nested", [ValueError("v2"), KeyError("k")])])
print(fmt(eg), len(eg.exceptions), repr(eg.exceptions[0]))
try:
    raise eg
except* ValueError as g:
    print("ValueErrors:", [str(x) for x in g.exceptions[:1]], fmt(g))
except* (TypeError, KeyError) as g:
    print("Type/Key:", fmt(g), [type(x).__name__ for x in g.exceptions])
match_, rest = eg.split(ValueError)
print(fmt(match_), fmt(rest), eg.subgroup(lambda x: isinstance(x, KeyError)).exceptions)
for exc in [ZeroDivisionError("division by zero"), KeyError("k"), KeyError(), OSError("disk on fire"),
            UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), StopIteration(5), SystemExit(3), AssertionError()]:
    print(f"{type(exc).__name__:20} {fmt(exc)!r:70} args={exc.args}")
try: assert 1 + 1 == 3, "math is broken"
except AssertionError as e: print(fmt(e))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    warnings.warn("old api", DeprecationWarning)
    warnings.warn("careful", UserWarning)
print([(w.category.__name__, str(w.message)) for w in caught])
# errno numbers differ between Linux and WASI, so only the mapped subclass names are printed
print([type(OSError(n, "x")).__name__ for n in (errno.ENOENT, errno.EACCES, errno.EEXIST, errno.EISDIR, errno.EPIPE)])
print(issubclass(NotFound, Exception), issubclass(KeyboardInterrupt, Exception), issubclass(FileNotFoundError, OSError))
