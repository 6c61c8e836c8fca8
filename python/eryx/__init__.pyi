# Type stubs of the eryx package (the C extension eryx._eryx and its
# pure-Python helpers). The docstrings are in the module itself: help(eryx).
import builtins
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple, TypeVar, overload

__version__: str
__all__: list[str]

def version() -> str: ...

_F = TypeVar("_F", bound=Callable[..., Any])
_CallbackLike = Callable[..., Any] | Callback
_Callbacks = Sequence[_CallbackLike] | Mapping[str, Callable[..., Any]]
_Path = str | bytes | os.PathLike[str]
_ErrorKind = Literal["exception", "timeout", "memory", "output", "cancelled", "internal"]

class Error(Exception):
    result: ExecuteResult | None
    kind: _ErrorKind | None
    type: str | None
    message: str | None
    traceback: str | None
    lineno: int | None

class ExecutionError(Error):
    type: str
    message: str
    traceback: str
    lineno: int

class TimeoutError(Error, builtins.TimeoutError): ...
class MemoryLimitError(Error): ...
class OutputLimitError(Error): ...
class CancelledError(Error): ...
class SandboxError(Error): ...
class BusyError(Error): ...

class Stats(NamedTuple):
    duration_ms: float
    peak_memory_bytes: int
    callback_invocations: int

class TraceEvent:
    @property
    def kind(
        self,
    ) -> Literal["line", "call", "return", "exception", "callback_start", "callback_end"]: ...
    @property
    def lineno(self) -> int: ...
    @property
    def function(self) -> str | None: ...
    @property
    def exc_type(self) -> str | None: ...
    @property
    def exc_message(self) -> str | None: ...
    @property
    def name(self) -> str | None: ...
    @property
    def args(self) -> dict[str, Any] | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def duration_ms(self) -> float | None: ...

class ExecuteResult:
    @property
    def stdout(self) -> str: ...
    @property
    def stderr(self) -> str: ...
    @property
    def result(self) -> Any: ...
    @property
    def result_error(self) -> str | None: ...
    @property
    def error(self) -> Error | None: ...
    @property
    def exit_code(self) -> int | None: ...
    @property
    def trace(self) -> list[TraceEvent]: ...
    @property
    def trace_truncated(self) -> bool: ...
    @property
    def stats(self) -> Stats: ...
    @property
    def session_reset(self) -> bool: ...

class Callback:
    function: Callable[..., Any]
    name: str
    description: str
    schema: dict[str, Any]
    schema_json: str
    target: Callable[..., Any]
    def __init__(
        self,
        function: Callable[..., Any],
        *,
        name: str | None = ...,
        description: str | None = ...,
        schema: dict[str, Any] | str | None = ...,
    ) -> None: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

@overload
def callback(
    function: Callable[..., Any],
    *,
    name: str | None = ...,
    description: str | None = ...,
    schema: dict[str, Any] | str | None = ...,
) -> Callback: ...
@overload
def callback(
    function: None = ...,
    *,
    name: str | None = ...,
    description: str | None = ...,
    schema: dict[str, Any] | str | None = ...,
) -> Callable[[Callable[..., Any]], Callback]: ...
def parameters_schema(function: Callable[..., Any]) -> dict[str, Any]: ...

class Sandbox:
    def __init__(
        self,
        *,
        timeout: float | None = ...,
        memory_limit: int | None = ...,
        output_limit: int | None = ...,
        callbacks: _Callbacks | None = ...,
        callback_timeout: float | None = ...,
        max_callbacks: int | None = ...,
        on_stdout: Callable[[str], object] | None = ...,
        on_stderr: Callable[[str], object] | None = ...,
        trace: bool | Callable[[TraceEvent], object] | None = ...,
        trace_step: bool | None = ...,
        files: Mapping[_Path, bytes | str] | None = ...,
        fs_limit: int | None = ...,
        fs_max_files: int | None = ...,
        fs_max_fds: int | None = ...,
        volumes: Sequence[tuple[_Path, _Path] | tuple[_Path, _Path, bool]] | None = ...,
        volume_write_budget: int | None = ...,
        packages: Sequence[_Path] | None = ...,
        snapshot: bytes | bytearray | memoryview | None = ...,
        snapshot_key: bytes | None = ...,
    ) -> None: ...
    def execute(
        self,
        code: str | bytes,
        *,
        timeout: float | None = ...,
        trace: bool | None = ...,
        interactive: bool = ...,
    ) -> ExecuteResult: ...
    def execute_async(
        self,
        code: str | bytes,
        *,
        timeout: float | None = ...,
        trace: bool | None = ...,
        interactive: bool = ...,
    ) -> Awaitable[ExecuteResult]: ...
    def cancel(self) -> None: ...
    # The in-memory files between executions (absolute guest paths).
    def read_file(self, path: _Path) -> bytes: ...
    def write_file(self, path: _Path, data: bytes | bytearray | memoryview | str) -> None: ...
    def list_dir(self, path: _Path = ...) -> list[dict[str, Any]]: ...
    def remove_file(self, path: _Path) -> None: ...
    @overload
    def callback(self, function: _F) -> _F: ...
    @overload
    def callback(
        self,
        function: None = ...,
        *,
        name: str | None = ...,
        description: str | None = ...,
        schema: dict[str, Any] | str | None = ...,
    ) -> Callable[[_F], _F]: ...
    @property
    def callbacks(self) -> tuple[Callback, ...]: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self: _S) -> _S: ...
    def __exit__(self, *exc_info: object) -> None: ...

_S = TypeVar("_S", bound=Sandbox)

class Session(Sandbox):
    def reset(self) -> None: ...
    def snapshot(self) -> bytes: ...
    # Session.restore(snapshot, **options) makes a new session in the state of
    # the snapshot; session.restore(snapshot) replaces this session's state.
    # Both return the session.
    @classmethod
    def restore(
        cls,
        snapshot: bytes | bytearray | memoryview,
        *,
        timeout: float | None = ...,
        memory_limit: int | None = ...,
        output_limit: int | None = ...,
        callbacks: _Callbacks | None = ...,
        callback_timeout: float | None = ...,
        max_callbacks: int | None = ...,
        on_stdout: Callable[[str], object] | None = ...,
        on_stderr: Callable[[str], object] | None = ...,
        trace: bool | Callable[[TraceEvent], object] | None = ...,
        trace_step: bool | None = ...,
        files: Mapping[_Path, bytes | str] | None = ...,
        fs_limit: int | None = ...,
        fs_max_files: int | None = ...,
        fs_max_fds: int | None = ...,
        volumes: Sequence[tuple[_Path, _Path] | tuple[_Path, _Path, bool]] | None = ...,
        volume_write_budget: int | None = ...,
        packages: Sequence[_Path] | None = ...,
        snapshot_key: bytes | None = ...,
    ) -> Session: ...
