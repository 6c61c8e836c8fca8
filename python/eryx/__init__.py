"""eryx: run untrusted Python safely from Python.

Code runs in a real CPython 3.11 compiled to WebAssembly and translated to C,
inside this process: it reaches no host files, network, environment or
processes, only its own memory and the host callbacks you give it.

    import eryx

    sandbox = eryx.Sandbox(timeout=5)
    r = sandbox.execute("import math\\nresult = math.factorial(20)")
    r.result                      # 2432902008176640000

    @sandbox.callback
    async def fetch(url: str) -> str:
        ...
    sandbox.execute("page = await fetch('https://example.org')")

    session = eryx.Session()      # keeps its state between executions
    session.execute("x = 41")
    session.execute("result = x + 1").result          # 42
    blob = session.snapshot()
    eryx.Session.restore(blob).execute("print(x)")

Errors: execute() returns an ExecuteResult when the code ran to its end and
raises an eryx.Error subclass otherwise (ExecutionError for an exception in
the code, TimeoutError, MemoryLimitError, OutputLimitError, CancelledError,
SandboxError), whose .result holds the output so far and the stats.
"""
from ._eryx import (BusyError, CancelledError, Error, ExecuteResult, ExecutionError,
                    MemoryLimitError, OutputLimitError, Sandbox, SandboxError, Session, Stats,
                    TimeoutError, TraceEvent, __version__, version)
from ._callbacks import Callback, callback, parameters_schema

__all__ = [
    "Sandbox", "Session", "ExecuteResult", "Stats", "TraceEvent", "Callback", "callback",
    "parameters_schema", "Error", "ExecutionError", "TimeoutError", "MemoryLimitError",
    "OutputLimitError", "CancelledError", "SandboxError", "BusyError", "version",
    "__version__",
]
