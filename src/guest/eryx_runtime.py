"""Guest side of eryx: runs the user's code.

Shipped in the standard library image as _eryx_runtime and imported once
when the interpreter image is built; every execution then starts from that
state. How the code ended is not reported from here: execute() returns the
new value of `result` or lets the user's exception through, and the C entry
point works out the outcome and sends it to the host (src/guest/outcome.c),
out of reach of the user's code, which can replace anything in this module.
"""
import ast
import asyncio
import contextvars
import gc
import inspect
import itertools
import json
import linecache
import marshal
import random
import sys
import time
import traceback
import types

import __main__
import _eryx_host

# This module's functions look names up in a private copy of the builtins:
# user code that replaces builtins.len breaks its own code, not the runtime.
__builtins__ = dict(sys.modules["builtins"].__dict__)

USER_FILE = "<user>"
RUNTIME_FILE = sys._getframe().f_code.co_filename  # this module's frames

# execute() flags, as the host passes them; the bits from PACKAGES_SHIFT on
# count the packages mounted at /packages/N.
FLAG_TRACE = 1
FLAG_INTERACTIVE = 2
FLAG_CODE_CACHE = 4  # stateless: the host keeps the compiled code of sources
PACKAGES_SHIFT = 8
PACKAGES_DIR = "/packages/%d"
WORK_DIR = "/data"

# callback completion status, as callback_next reports it.
CALL_OK = 0
CALL_ERROR = 1
CALL_TIMEOUT = 2

# callback_start refusals (negative results), with the message Python gets
# (the host's list is in src/host/calls.h; the limits are eryx.h's).
CALL_REFUSED = {
    -1: "unknown callback",
    -2: "callback limit reached: no more invocations allowed in this execution",
    -3: "the sandbox is stopping",
    -4: "callback arguments are not one JSON object",
    -5: "callback arguments are larger than 64 MiB of JSON",
    -6: "too many callback invocations pending (10000): await some first",
}

# Imported into the image so that user code finds them ready.
PRELOAD = (
    "json", "re", "collections", "dataclasses", "typing", "enum", "functools",
    "itertools", "math", "datetime", "decimal", "fractions", "string", "textwrap",
    "copy", "base64", "struct", "hashlib", "heapq", "bisect", "operator", "io",
    "statistics", "pprint", "abc", "contextlib", "types", "weakref", "zlib", "gzip",
    "zoneinfo",
)


# ---- host callbacks ----

class CallbackError(Exception):
    """A host callback failed; the message is the host's."""


# A sandbox builtin as far as tracebacks are concerned.
CallbackError.__module__ = "builtins"


_pending = {}  # invocation id -> Future of the running loop


def _user_lineno():
    """Line of the innermost frame of the user's code (the awaiting line)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename != USER_FILE:
        frame = frame.f_back
    return frame.f_lineno if frame is not None else 0


def invoke(name, /, **kwargs):
    """Invokes the host callback `name` with keyword arguments: an awaitable
    of its result."""
    # The line that asked for the call, while its frame is on the stack (a
    # task of asyncio.gather runs the coroutine later, from the event loop).
    return _invoke(name, kwargs, _user_lineno())


async def _invoke(name, kwargs, lineno):
    if not isinstance(name, str):
        raise TypeError("callback name must be a str, not %s" % type(name).__name__)
    args = json.dumps(kwargs)  # TypeError for arguments that are not JSON-serializable
    loop = asyncio.get_running_loop()
    call_id = _eryx_host.callback_start(name, args, lineno)
    if call_id < 0:
        message = CALL_REFUSED.get(call_id, "callback refused")
        if call_id == -1:
            message = "unknown callback %r" % name
        raise CallbackError(message)
    future = loop.create_future()
    _pending[call_id] = future
    return await future


def _drain_completions():
    """Resolves the futures of every completed invocation."""
    while True:
        item = _eryx_host.callback_next()
        if item is None:
            return
        call_id, status, payload = item
        future = _pending.pop(call_id, None)
        if future is None or future.done():
            continue  # cancelled by the user's code meanwhile
        if status == CALL_OK:
            try:
                future.set_result(json.loads(payload))
            except ValueError as exc:
                future.set_exception(CallbackError("invalid JSON from the host: %s" % exc))
        elif status == CALL_TIMEOUT:
            future.set_exception(TimeoutError(payload))
        else:
            future.set_exception(CallbackError(payload))


class Callback:
    """A host callback as an awaitable global: `await name(*args, **kwargs)`."""

    def __init__(self, name, description, schema):
        self.__name__ = name.rpartition(".")[2]
        self.__qualname__ = name
        self.__doc__ = description
        self._name = name
        props = schema.get("properties") if isinstance(schema, dict) else None
        self._params = list(props) if isinstance(props, dict) else []

    def __call__(self, *args, **kwargs):
        if len(args) > len(self._params):
            raise TypeError("%s() takes %d positional arguments but %d were given"
                            % (self._name, len(self._params), len(args)))
        for param, value in zip(self._params, args):
            if param in kwargs:
                raise TypeError("%s() got multiple values for argument %r" % (self._name, param))
            kwargs[param] = value
        return _invoke(self._name, kwargs, _user_lineno())

    def __repr__(self):
        return "<host callback %s>" % self._name


class _Namespace:
    """Holds the callbacks of a dotted prefix: `http` for `http.get`."""

    def __init__(self, name):
        self.__name__ = name

    def __repr__(self):
        return "<host callbacks %s>" % self.__name__


_callbacks = []  # list_callbacks() of the running execution


def list_callbacks():
    """The host callbacks: [{"name", "description", "parameters_schema"}]."""
    return [dict(c) for c in _callbacks]


_callbacks_text = "[]"  # the list _callbacks was parsed from (no callbacks: nothing to parse)


def _install_callbacks(namespace):
    global _callbacks, _callbacks_text
    text = _eryx_host.callback_list()
    if text != _callbacks_text:  # a session's list does not change: parse it once
        _callbacks, _callbacks_text = json.loads(text), text
    namespace["invoke"] = invoke
    namespace["list_callbacks"] = list_callbacks
    namespace["CallbackError"] = CallbackError
    for entry in _callbacks:
        parts = entry["name"].split(".")
        target = namespace
        for i, part in enumerate(parts[:-1]):
            holder = target.get(part) if isinstance(target, dict) else getattr(target, part, None)
            if not isinstance(holder, _Namespace):
                holder = _Namespace(".".join(parts[:i + 1]))
                if isinstance(target, dict):
                    target[part] = holder
                else:
                    setattr(target, part, holder)
            target = holder
        callback = Callback(entry["name"], entry["description"], entry["parameters_schema"])
        if isinstance(target, dict):
            target[parts[-1]] = callback
        else:
            setattr(target, parts[-1], callback)


# ---- asyncio without sockets: WASI has no self-pipe and nothing to select on ----

class _TimeOnlySelector:
    """Stands in for a selector: the only things to wait for are time and
    host callbacks."""

    def select(self, timeout=None):
        if _pending:
            wait_ns = -1 if timeout is None else int(timeout * 1e9)
            if _eryx_host.callback_wait(wait_ns):
                _drain_completions()
            return []
        if timeout is None:
            raise RuntimeError(
                "event loop deadlock: every task is waiting and nothing can wake them")
        if timeout > 0:
            time.sleep(timeout)
        return []

    def close(self):
        pass


# Task ids of trace events: while tracing, every task gets the next number
# in its context, which the tracer reads when the context changes.
_task_id = contextvars.ContextVar("_eryx_task_id", default=0)
_task_ids = itertools.count(1)
_tracing = False


def _numbered_task(loop, coro, context=None):
    """The task factory of traced executions."""
    if context is None:
        context = contextvars.copy_context()
    context.run(_task_id.set, next(_task_ids))
    return asyncio.Task(coro, loop=loop, context=context)


class EventLoop(asyncio.BaseEventLoop):
    """asyncio's base loop with the selector replaced by a sleep."""

    def __init__(self):
        super().__init__()
        self._selector = _TimeOnlySelector()
        if _tracing:
            self.set_task_factory(_numbered_task)

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


# ---- the traceback, for the entry point ----

def _without_runtime_frames(tb):
    """The traceback without this module's frames: it starts in the user's
    code, and ends there too when the error came from the runtime (a
    failed callback)."""
    frames = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename != RUNTIME_FILE:
            frames.append(tb)
        tb = tb.tb_next
    while frames and frames[0].tb_frame.f_code.co_filename != USER_FILE:
        frames.pop(0)
    rebuilt = None
    for entry in reversed(frames):
        rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt


def format_traceback(exc):
    """The traceback of exc as python3.11 prints it, with the user's frames
    only. Called by the entry point (outcome.c), which falls back to the
    last line alone when this fails."""
    tb = _without_runtime_frames(exc.__traceback__)
    return "".join(traceback.format_exception(type(exc), exc, tb))


_NO_RESULT = object()  # execute(): `result` was not assigned


# ---- files and packages ----

class NativeExtensionFinder:
    """The finder of last resort on sys.meta_path: a module that exists only
    as a native extension (which the sandbox cannot load) raises an
    ImportError naming the file, instead of "No module named"."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        import os
        name = fullname.rpartition(".")[2]
        for entry in (path if path is not None else sys.path):
            try:
                names = os.listdir(entry)
            except (OSError, TypeError):
                continue
            for file in names:
                if file.startswith(name + ".") and file.endswith((".so", ".pyd")):
                    raise ImportError(
                        "cannot import %s: %s is a native extension, which the sandbox "
                        "cannot load" % (fullname, os.path.join(entry, file)), name=fullname)
        return None


def _add_packages(count):
    for i in range(count):
        entry = PACKAGES_DIR % i
        if entry not in sys.path:
            sys.path.append(entry)


# ---- no network: clear errors where WASI's _socket has no function ----

def _install_no_network():
    """WASI's _socket lacks the resolver, so socket.getaddrinfo (and with it
    create_connection, urllib, http.client) failed with AttributeError,
    which reads as a bug. Name lookups now raise socket.gaierror saying that
    the sandbox has no network, which those libraries report as a
    connection error."""
    import _socket
    import socket

    def no_network(name):
        def refuse(host=None, *args, **kwargs):
            raise _socket.gaierror(_socket.EAI_NONAME,
                                   "no network in the eryx sandbox (%s of %r)" % (name, host))
        refuse.__name__ = refuse.__qualname__ = name
        return refuse

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
                 "getnameinfo"):
        if not hasattr(_socket, name):
            setattr(_socket, name, no_network(name))
        if not hasattr(socket, name):
            setattr(socket, name, getattr(_socket, name))


# ---- entry points ----

def _install_site_builtins():
    """exit(), quit() and help() as the site module makes them (the sandbox
    does not import site: it would look for directories on disk)."""
    import builtins
    import _sitebuiltins
    builtins.exit = _sitebuiltins.Quitter("exit", "Ctrl-D (i.e. EOF)")
    builtins.quit = _sitebuiltins.Quitter("quit", "Ctrl-D (i.e. EOF)")
    builtins.help = _sitebuiltins._Helper()


def init():
    """Runs once, before the image is saved."""
    _install_site_builtins()
    _install_no_network()
    asyncio.set_event_loop_policy(EventLoopPolicy())
    for name in PRELOAD:
        __import__(name)
    sys.meta_path.append(NativeExtensionFinder)
    import os
    os.chdir(WORK_DIR)
    # Every execution starts from the image (or a snapshot) again, where a
    # function that ran fewer than 8 times is not quickened yet: run the
    # per-execution code here often enough that it is, once for all.
    for _ in range(10):
        execute(b"pass", FLAG_CODE_CACHE)
    linecache.cache.pop(USER_FILE, None)
    # Objects of the image are never collected: later collections skip them
    # and leave their pages shared with the image.
    gc.collect()
    gc.freeze()
    _eryx_host.immortalize()


def _compile(source, interactive):
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    if not interactive:
        return compile(source, USER_FILE, "exec", flags=flags, dont_inherit=True)
    # As the interactive prompt: every expression statement's value is shown.
    tree = compile(source, USER_FILE, "exec", flags=flags | ast.PyCF_ONLY_AST, dont_inherit=True)
    return compile(ast.Interactive(body=tree.body), USER_FILE, "single", flags=flags,
                   dont_inherit=True)


def _compile_cached(source, interactive):
    """_compile, or the code the host kept from an earlier execution of the
    same source in this sandbox. Only a stateless sandbox gets FLAG_CODE_CACHE:
    its executions start from the same state, so this runs before any user
    code could have changed compile() or marshal, and the host takes only
    the first offer of an execution that found nothing."""
    blob = _eryx_host.code_get()
    if blob is not None:
        return marshal.loads(blob)
    code = _compile(source, interactive)
    _eryx_host.code_put(marshal.dumps(code))
    return code


def execute(source, flags=0):
    """Runs `source` (bytes) as file <user> in __main__. Returns the value
    this execution assigned to `result` (a session keeps the last one, which
    an execution that does not set it must not repeat), else _NO_RESULT;
    the user's exception goes on to the entry point."""
    global _tracing, _task_ids
    # The image is shared: every execution needs its own random state
    # (what random.seed() does, from 256 bits of entropy).
    _eryx_host.reseed(random._inst)
    random._inst.gauss_next = None
    text = source.decode("utf-8", "replace")
    linecache.cache[USER_FILE] = (len(text), None, text.splitlines(True), USER_FILE)
    namespace = __main__.__dict__
    result_before = namespace.get("result", _NO_RESULT)
    _pending.clear()
    if flags >> PACKAGES_SHIFT:
        _add_packages(flags >> PACKAGES_SHIFT)
    _install_callbacks(namespace)
    if flags & FLAG_CODE_CACHE:
        code = _compile_cached(source, flags & FLAG_INTERACTIVE)
    else:
        code = _compile(source, flags & FLAG_INTERACTIVE)
    tracing = _tracing = bool(flags & FLAG_TRACE)
    if tracing:
        _task_ids = itertools.count(1)
        _eryx_host.trace_on(code.co_filename, _task_id)
    try:
        outcome = eval(code, namespace)
        if code.co_flags & inspect.CO_COROUTINE:
            _run_coroutine(outcome)
    finally:
        if tracing:
            _tracing = False
            _eryx_host.trace_off()
    value = namespace.get("result", _NO_RESULT)
    return _NO_RESULT if value is result_before else value
