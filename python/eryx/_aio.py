"""asyncio glue of the C core: async callbacks on an event loop (Dispatch),
eryx's own loop for executions that have none (background_loop), and
Sandbox.execute_async.

An execution runs on one thread without the GIL. When a callback returns an
awaitable, the C core hands it to the execution's Dispatch, which runs it as
a task on the loop (the caller's for execute_async) and completes the guest's
invocation when the task ends; callbacks the guest gathers therefore run
concurrently there. When the execution ends, its tasks still running are
cancelled.
"""
import asyncio
import concurrent.futures
import functools
import os
import threading

_lock = threading.Lock()
_loop = None  # eryx's background loop, started on first need
_executor = None  # worker threads of execute_async


def background_loop():
    """The event loop on eryx's own daemon thread, for async callbacks of
    executions started by execute() (which has no loop of its own)."""
    global _loop
    with _lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="eryx-callbacks",
                             daemon=True).start()
            _loop = loop
        return _loop


def _executor_pool():
    global _executor
    with _lock:
        if _executor is None:
            # Executions block their thread for as long as they run: a pool
            # of its own keeps them from queueing behind the loop's default
            # executor (and its work behind them).
            _executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=64, thread_name_prefix="eryx-execute")
        return _executor


def _forget_after_fork():
    """A child of fork() has neither the loop thread nor the workers."""
    global _loop, _executor
    _loop = None
    _executor = None


os.register_at_fork(after_in_child=_forget_after_fork)


class Dispatch:
    """Runs the awaitable callback results of one execution on `loop`
    (None: the background loop)."""

    def __init__(self, loop):
        self.loop = loop if loop is not None else background_loop()
        self.tasks = set()
        self.ended = False

    def start(self, awaitable, call):
        """Called on the execution's thread: schedules `awaitable`; `call`
        (an eryx._eryx._Call) is completed with its outcome."""
        try:
            self.loop.call_soon_threadsafe(self._run, awaitable, call)
        except RuntimeError as exc:  # the loop is closed
            _close(awaitable)
            call.fail("cannot run the async callback: %s" % exc)

    def _run(self, awaitable, call):
        if self.ended:
            _close(awaitable)
            call.fail("the execution has ended")
            return
        try:
            task = asyncio.ensure_future(awaitable)
        except BaseException as exc:
            call.fail_with(exc)
            return
        self.tasks.add(task)
        task.add_done_callback(functools.partial(self._done, call))

    def _done(self, call, task):
        self.tasks.discard(task)
        if task.cancelled():
            call.fail("the callback was cancelled")
        elif task.exception() is not None:
            call.fail_with(task.exception())
        else:
            call.complete(task.result())

    def finish(self):
        """Called when the execution has ended: cancels its tasks."""
        try:
            self.loop.call_soon_threadsafe(self._cancel_all)
        except RuntimeError:
            pass  # the loop is closed: nothing of ours runs on it

    def _cancel_all(self):
        self.ended = True
        for task in list(self.tasks):
            task.cancel()


def _close(awaitable):
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()


async def execute_async(sandbox, code, timeout, trace, interactive):
    """Sandbox.execute_async (see its docstring)."""
    loop = asyncio.get_running_loop()
    ticket = [False]
    run = functools.partial(sandbox._run, loop, ticket, code, timeout, trace, interactive)
    future = loop.run_in_executor(_executor_pool(), run)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        ticket[0] = True
        sandbox._cancel_ticket(ticket)
        # The task ends once the execution has stopped, so that the sandbox
        # is free again when the canceller gets control back.
        while not future.done():
            try:
                await asyncio.wait([future])
            except asyncio.CancelledError:
                pass
        if not future.cancelled():
            future.exception()  # retrieved: no "never retrieved" warning
        raise
