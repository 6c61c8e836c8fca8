"""Guest side of eryx: runs the user's code and reports how it went.

Shipped in the standard library image as _eryx_runtime and imported once
when the interpreter image is built; every execution then starts from that
state. The host reads the outcome from report() calls (keys below; the
host's list in src/host/imports.h must match).
"""
import ast
import asyncio
import gc
import inspect
import json
import linecache
import random
import sys
import time
import traceback

import __main__
import _eryx_host

RESULT_JSON = 1
RESULT_ERROR = 2
ERROR_TYPE = 3
ERROR_MESSAGE = 4
ERROR_TRACEBACK = 5
ERROR_LINENO = 6
EXIT_CODE = 7

USER_FILE = "<user>"

# Imported into the image so that user code finds them ready.
PRELOAD = (
    "json", "re", "collections", "dataclasses", "typing", "enum", "functools",
    "itertools", "math", "datetime", "decimal", "fractions", "string", "textwrap",
    "copy", "base64", "struct", "hashlib", "heapq", "bisect", "operator", "io",
    "statistics", "pprint", "abc", "contextlib", "types", "weakref",
)


def report(key, text):
    _eryx_host.report(key, text.encode("utf-8", "replace"))


# ---- asyncio without sockets: WASI has no self-pipe and nothing to select on ----

class _TimeOnlySelector:
    """Stands in for a selector: the only thing to wait for is time."""

    def select(self, timeout=None):
        if timeout is None:
            raise RuntimeError(
                "event loop deadlock: every task is waiting and nothing can wake them")
        if timeout > 0:
            time.sleep(timeout)
        return []

    def close(self):
        pass


class EventLoop(asyncio.BaseEventLoop):
    """asyncio's base loop with the selector replaced by a sleep."""

    def __init__(self):
        super().__init__()
        self._selector = _TimeOnlySelector()

    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        pass  # no other thread can be waiting to wake us


class EventLoopPolicy(asyncio.DefaultEventLoopPolicy):
    _loop_factory = EventLoop


def _run_coroutine(coro):
    """asyncio.run() for the code's top-level coroutine."""
    loop = EventLoop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(coro)
    finally:
        try:
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            if tasks:
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


# ---- reporting ----

def _type_name(cls):
    name = cls.__qualname__
    if cls.__module__ not in ("builtins", "__main__"):
        name = cls.__module__ + "." + name
    return name


def _safe_str(value):
    try:
        return str(value)
    except BaseException:
        return "<unprintable %s object>" % type(value).__name__


def _report_exception(exc):
    # Drop the runtime's own frames: the traceback starts in the user's code.
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != USER_FILE:
        tb = tb.tb_next
    lineno = 0
    if isinstance(exc, SyntaxError) and exc.filename == USER_FILE:
        lineno = exc.lineno or 0
    entry = tb
    while entry is not None:
        if entry.tb_frame.f_code.co_filename == USER_FILE:
            lineno = entry.tb_lineno
        entry = entry.tb_next
    try:
        text = "".join(traceback.format_exception(type(exc), exc, tb))
    except BaseException:
        text = "%s: %s\n" % (_type_name(type(exc)), _safe_str(exc))
    report(ERROR_TYPE, _type_name(type(exc)))
    report(ERROR_MESSAGE, _safe_str(exc))
    report(ERROR_TRACEBACK, text)
    report(ERROR_LINENO, str(lineno))


def _report_exit(exc):
    code = exc.code
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code & 0xFF
    else:
        # As the python program does: print the object, exit with 1.
        print(_safe_str(code), file=sys.stderr)
        status = 1
    report(ERROR_TYPE, "SystemExit")
    report(ERROR_MESSAGE, "" if code is None else _safe_str(code))
    report(EXIT_CODE, str(status))


def _report_result(namespace):
    if "result" not in namespace:
        return
    try:
        text = json.dumps(namespace["result"], allow_nan=False)
    except Exception as exc:
        report(RESULT_ERROR, _safe_str(exc))
    else:
        report(RESULT_JSON, text)


# ---- entry points ----

def init():
    """Runs once, before the image is saved."""
    asyncio.set_event_loop_policy(EventLoopPolicy())
    for name in PRELOAD:
        __import__(name)
    # Objects of the image are never collected: later collections skip them
    # and leave their pages shared with the image.
    gc.collect()
    gc.freeze()


def execute(source):
    """Runs `source` (bytes) as file <user> in __main__."""
    # The image is shared: every execution needs its own random state.
    random.seed()
    text = source.decode("utf-8", "replace")
    linecache.cache[USER_FILE] = (len(text), None, text.splitlines(True), USER_FILE)
    namespace = __main__.__dict__
    try:
        code = compile(source, USER_FILE, "exec",
                       flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
        outcome = eval(code, namespace)
        if code.co_flags & inspect.CO_COROUTINE:
            _run_coroutine(outcome)
    except SystemExit as exc:
        _report_exit(exc)
    except BaseException as exc:
        _report_exception(exc)
    else:
        _report_result(namespace)
