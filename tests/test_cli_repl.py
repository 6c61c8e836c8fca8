"""`eryx repl`: through a pipe and on a terminal (prompts, Ctrl-C, Ctrl-D).

usage: python3.11 tests/test_cli_repl.py [FILTER]
Ends with the line "N passed, N failed".
"""
import os
import select
import sys
import time

from cli_common import ERYX, eryx, expect, expect_eq, main, test


# ---- eryx repl ----

def repl(text, *args):
    return eryx("repl", *args, stdin=text.encode())


@test
def repl_through_pipe():
    text = ("def double(x):\n"
            "    return x * 2\n"
            "\n"
            "double(21)\n"
            "items = [1,\n"
            "         2]\n"
            "items\n"
            "'text'\n"
            "None\n"
            "1 / 0\n"
            "double(items[1])\n"
            "if items:\n"
            "    print('block')\n"
            "\n"
            "s = '''a\n"
            "b'''\n"
            "s\n")
    status, out, err = repl(text)
    expect_eq(status, 0, "status")
    expect_eq(out, "42\n[1, 2]\n'text'\n4\nblock\n'a\\nb'\n", "stdout (no prompts)")
    expect(">>>" not in out and "..." not in out, "no prompts without a terminal")
    expect(err.startswith("Traceback (most recent call last):\n"), err)
    expect(err.rstrip().endswith("ZeroDivisionError: division by zero"), err)


@test
def repl_exit_and_eof():
    status, out, _ = repl("x = 3\nimport sys\nsys.exit(x)\nprint('not here')\n")
    expect_eq((status, out), (3, ""), "sys.exit")
    # The last block runs at end of input, without a closing blank line.
    status, out, _ = repl("def f():\n    return 'last'\n\nfor i in range(2):\n    print(f(), i)")
    expect_eq((status, out), (0, "last 0\nlast 1\n"), "block at end of input")
    status, out, err = repl("")
    expect_eq((status, out, err), (0, "", ""), "empty input")


@test
def repl_on_terminal():
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(ERYX, [ERYX, "repl", "--timeout", "0"])

    def read_until(marker, timeout=30):
        buf = b""
        end = time.monotonic() + timeout
        while time.monotonic() < end and marker not in buf:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
        return buf.decode("utf-8", "replace").replace("\r\n", "\n")

    try:
        expect(read_until(b">>> ").endswith(">>> "), "first prompt")
        os.write(fd, b"x = 6 * 7\n")
        read_until(b">>> ")
        os.write(fd, b"def f():\n")
        expect(read_until(b"... ").endswith("... "), "continuation prompt")
        # Ctrl-C at the prompt discards the input typed so far.
        os.write(fd, b"\x03")
        out = read_until(b">>> ")
        expect("KeyboardInterrupt\n>>> " in out, repr(out))
        os.write(fd, b"x\n")
        expect("42\n>>> " in read_until(b">>> "), "state kept")
        # Ctrl-C while an input runs cancels it.
        os.write(fd, b"while True: pass\n\n")
        time.sleep(0.5)
        t0 = time.monotonic()
        os.write(fd, b"\x03")
        out = read_until(b">>> ")
        expect("KeyboardInterrupt" in out and out.endswith(">>> "), repr(out))
        expect(time.monotonic() - t0 < 5, "cancel took %.2f s" % (time.monotonic() - t0))
        os.write(fd, b"1 + 1\n")
        expect("2\n>>> " in read_until(b">>> "), "works after a cancel")
        os.write(fd, b"\x04")
        read_until(b"\n", 5)
        _, wstatus = os.waitpid(pid, 0)
        pid = 0
        expect_eq(os.waitstatus_to_exitcode(wstatus), 0, "status after Ctrl-D")
    finally:
        if pid:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)


@test
def repl_input_limit():
    # An input over 32 MiB (one line, or a block of lines) is discarded with
    # a message; the REPL goes on.
    half = "#" * (17 << 20)
    text = "#" * (33 << 20) + "\n1 + 1\nif True:\n    " + half + "\n    " + half + "\n\n2 + 2\n"
    status, out, err = repl(text)
    expect_eq((status, out), (0, "2\n4\n"), "after the long inputs")
    expect_eq(err.count("input longer than 32 MiB, discarded"), 2, err[:300])


if __name__ == "__main__":
    sys.exit(main())
