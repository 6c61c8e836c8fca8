"""eryx.Sandbox.execute: results, the error convention, options."""
import builtins
import inspect

import pytest

import eryx


@pytest.fixture(scope="module")
def sandbox():
    with eryx.Sandbox(timeout=10) as sb:
        yield sb


def test_output_and_result(sandbox):
    r = sandbox.execute("print('out')\nimport sys\nprint('err', file=sys.stderr)\n"
                        "result = {'n': 10 ** 30, 'f': 2.5, 'l': [True, None, 'é']}")
    assert isinstance(r, eryx.ExecuteResult)
    assert r.stdout == "out\n"
    assert r.stderr == "err\n"
    assert r.result == {"n": 10 ** 30, "f": 2.5, "l": [True, None, "é"]}
    assert r.result_error is None and r.error is None and r.exit_code is None
    assert r.trace == [] and r.trace_truncated is False and r.session_reset is False
    assert isinstance(r.stats, eryx.Stats)
    assert r.stats.duration_ms > 0 and r.stats.peak_memory_bytes > 0
    assert r.stats.callback_invocations == 0


def test_no_result_and_unconvertible_result(sandbox):
    assert sandbox.execute("x = 1").result is None
    r = sandbox.execute("result = {1, 2}")
    assert r.result is None
    assert "not JSON serializable" in r.result_error


def test_stateless(sandbox):
    sandbox.execute("x = 1")
    with pytest.raises(eryx.ExecutionError) as e:
        sandbox.execute("print(x)")
    assert e.value.type == "NameError"


def test_exception_is_execution_error(sandbox):
    with pytest.raises(eryx.ExecutionError) as e:
        sandbox.execute("print('before')\ndef f():\n    return 1 / 0\nf()")
    err = e.value
    assert isinstance(err, eryx.Error)
    assert str(err) == "ZeroDivisionError: division by zero"
    assert err.kind == "exception" and err.type == "ZeroDivisionError"
    assert err.message == "division by zero"
    assert err.lineno == 3
    assert 'File "<user>", line 4, in <module>' in err.traceback
    assert err.traceback in err.__notes__
    assert err.result.stdout == "before\n"
    assert err.result.error is err


def test_syntax_error(sandbox):
    with pytest.raises(eryx.ExecutionError) as e:
        sandbox.execute("x = (\n")
    assert e.value.type == "SyntaxError"


def test_timeout_error(sandbox):
    with pytest.raises(eryx.TimeoutError) as e:
        sandbox.execute("print('started')\nwhile True: pass", timeout=0.2)
    assert isinstance(e.value, builtins.TimeoutError)
    assert e.value.kind == "timeout" and e.value.type is None and e.value.lineno is None
    assert "timed out after 0.2 s" in str(e.value)
    assert e.value.result.stdout == "started\n"


def test_memory_limit_error():
    sb = eryx.Sandbox(memory_limit=64 << 20)
    for code in ("x = bytearray(200 << 20)", "x = []\nwhile True:\n    x.append(' ' * 100000)"):
        # An allocation that fails inside Python is MemoryError in the guest;
        # when the interpreter itself cannot go on, MemoryLimitError.
        with pytest.raises((eryx.MemoryLimitError, eryx.ExecutionError)) as e:
            sb.execute(code)
        assert e.value.kind == "memory" or e.value.type == "MemoryError"
        assert e.value.result.stats.peak_memory_bytes <= 64 << 20
        assert sb.execute("result = 1").result == 1


def test_output_limit_error():
    sb = eryx.Sandbox(output_limit=1000)
    with pytest.raises(eryx.OutputLimitError) as e:
        sb.execute("while True: print('x' * 100)")
    assert len(e.value.result.stdout) == 1000


def test_sys_exit_is_a_result(sandbox):
    r = sandbox.execute("print('bye')\nimport sys\nsys.exit(3)")
    assert r.exit_code == 3 and r.stdout == "bye\n" and r.error is None
    assert sandbox.execute("raise SystemExit").exit_code == 0


def test_code_forms(sandbox):
    assert sandbox.execute(b"result = 'bytes'").result == "bytes"
    assert sandbox.execute("").result is None
    assert sandbox.execute("result = 'a\\0b'").result == "a\0b"
    with pytest.raises(TypeError):
        sandbox.execute(123)
    with pytest.raises(UnicodeEncodeError):
        sandbox.execute("x = '\ud800'")


def test_invalid_utf8_output_is_replaced(sandbox):
    r = sandbox.execute("import sys\nsys.stdout.buffer.write(b'a\\xffb')\nsys.stdout.flush()")
    assert r.stdout == "a\ufffdb"


def test_top_level_await(sandbox):
    code = "import asyncio\nasync def f():\n    await asyncio.sleep(0)\n    return 5\nresult = await f()"
    assert sandbox.execute(code).result == 5


def test_interactive(sandbox):
    assert sandbox.execute("1 + 1\nx = 3\nx", interactive=True).stdout == "2\n3\n"


def test_per_execution_timeout_checked(sandbox):
    for bad in (0, -1, float("nan"), 1e8):
        with pytest.raises(ValueError):
            sandbox.execute("pass", timeout=bad)
    with pytest.raises(TypeError):
        sandbox.execute("pass", timeout="1")


def test_options_checked():
    with pytest.raises(TypeError, match="unexpected keyword argument 'timout'"):
        eryx.Sandbox(timout=1)
    with pytest.raises(TypeError, match="keyword arguments only"):
        eryx.Sandbox(1)
    with pytest.raises(ValueError, match="timeout out of range"):
        eryx.Sandbox(timeout=-1)
    with pytest.raises(ValueError, match="memory_limit out of range"):
        eryx.Sandbox(memory_limit=1 << 20)
    with pytest.raises(ValueError, match="memory_limit out of range"):
        eryx.Sandbox(memory_limit=-5)
    with pytest.raises(ValueError, match="output_limit"):
        eryx.Sandbox(output_limit=0)
    with pytest.raises(TypeError):
        eryx.Sandbox(timeout=True)
    with pytest.raises(TypeError, match="on_stdout must be callable"):
        eryx.Sandbox(on_stdout=3)
    with pytest.raises(ValueError):
        eryx.Sandbox(max_callbacks=1 << 40)
    # None everywhere means the defaults.
    eryx.Sandbox(timeout=None, memory_limit=None, output_limit=None, callbacks=None,
                 on_stdout=None, on_stderr=None, trace=None, callback_timeout=None,
                 max_callbacks=None).execute("pass")


def test_close_and_context_manager():
    sb = eryx.Sandbox()
    assert not sb.closed
    with sb:
        sb.execute("pass")
    assert sb.closed
    with pytest.raises(eryx.Error, match="closed"):
        sb.execute("pass")
    sb.close()  # twice is fine


def test_version():
    assert eryx.version().startswith(eryx.__version__)


def test_public_names_have_docstrings():
    for name in eryx.__all__:
        if name == "__version__":
            continue
        obj = getattr(eryx, name)
        assert obj.__doc__, name
        for attr, member in vars(obj).items() if isinstance(obj, type) else ():
            if not attr.startswith("_") and callable(getattr(member, "__get__", None)):
                assert inspect.getdoc(member), "%s.%s" % (name, attr)


def test_stubs_cover_the_public_names():
    import ast
    import os
    stub = os.path.join(os.path.dirname(eryx.__file__), "__init__.pyi")
    tree = ast.parse(open(stub).read())
    declared = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    declared |= {t.id for n in tree.body if isinstance(n, ast.AnnAssign) for t in [n.target]}
    for name in eryx.__all__:
        assert name in declared, name
