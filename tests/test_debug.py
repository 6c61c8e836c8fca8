"""`eryx debug FILE`: the line debugger driven as a person would, through a
pseudo-terminal: commands typed at the "(eryx) " prompt, the current line
shown with its source, the program's output between stops.

usage: python3.11 tests/test_debug.py [FILTER]
Ends with the line "N passed, N failed".
"""
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from harness import check, run_tests  # noqa: E402
ERYX = os.environ.get("ERYX", os.path.join(ROOT, "build", "bin", "eryx"))
ENV = {"PATH": "/usr/bin:/bin", "TERM": "dumb"}
PROMPT = "(eryx) "

PROGRAM = """\
def square(x):
    y = x * x
    return y

a = 1
b = square(3)
print("b is", b)
c = a + b
print("c is", c)
"""


class Terminal:
    """eryx debug on a pty: what it wrote since the last command, and typing."""

    def __init__(self, tmp, source, *args):
        path = os.path.join(tmp, "prog.py")
        with open(path, "w") as f:
            f.write(source)
        master, slave = pty.openpty()
        self.proc = subprocess.Popen([ERYX, "debug", *args, "prog.py"], stdin=slave, stdout=slave,
                                     stderr=slave, cwd=tmp, env=ENV, close_fds=True,
                                     start_new_session=True,
                                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        os.close(slave)
        self.master = master
        self.seen = ""

    def read_until(self, needle, timeout=30):
        """Everything written up to `needle` (which must come)."""
        deadline = time.monotonic() + timeout
        while needle not in self.seen:
            left = deadline - time.monotonic()
            check(left > 0, "no %r in time; the terminal shows:\n%s" % (needle, self.seen[-1500:]))
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            check(data, "eryx ended before %r; the terminal shows:\n%s" % (needle, self.seen[-1500:]))
            self.seen += data.decode("utf-8", "replace").replace("\r\n", "\n")
        i = self.seen.index(needle) + len(needle)
        text, self.seen = self.seen[:i], self.seen[i:]
        return text

    def stop(self):
        """Reads to the next prompt: what was shown at the stop."""
        return self.read_until(PROMPT)

    def type(self, line):
        os.write(self.master, (line + "\n").encode())

    def close(self):
        """Waits for eryx to end; returns its exit status and the rest."""
        rest = ""
        while True:
            ready, _, _ = select.select([self.master], [], [], 30)
            if not ready:
                break
            try:
                data = os.read(self.master, 65536)
            except OSError:
                break
            if not data:
                break
            rest += data.decode("utf-8", "replace").replace("\r\n", "\n")
        status = self.proc.wait(timeout=30)
        os.close(self.master)
        return status, self.seen + rest


def test_step_next_where_break_continue():
    with tempfile.TemporaryDirectory() as tmp:
        t = Terminal(tmp, PROGRAM)
        shown = t.stop()
        check("> prog.py:1 in <module>\n-> def square(x):" in shown, shown)
        t.type("step")
        check("> prog.py:5 in <module>\n-> a = 1" in t.stop(), "step to line 5")
        t.type("n")
        check("prog.py:6 in <module>\n-> b = square(3)" in t.stop(), "next to line 6")
        t.type("s")
        check("> prog.py:2 in square\n->     y = x * x" in t.stop(), "step into square")
        t.type("where")
        stack = t.stop()
        check("  prog.py:6 in <module>\n    b = square(3)\n> prog.py:2 in square\n        y = x * x"
              in stack, "where:\n" + stack)
        t.type("next")
        check("prog.py:3 in square" in t.stop(), "next to line 3")
        t.type("")  # a blank line repeats: next, out of square to the caller's next line
        check("> prog.py:7 in <module>\n-> print(\"b is\", b)" in t.stop(), "next out of square")
        t.type("break 9")
        check("Breakpoint at prog.py:9" in t.stop(), "break 9")
        t.type("continue")
        shown = t.stop()
        check("b is 9\n" in shown and "> prog.py:9 in <module>" in shown
              and "c is 10" not in shown, "the output of line 7, then the stop at 9:\n" + shown)
        t.type("c")
        status, rest = t.close()
        check("c is 10\n" in rest and "--The program finished-- (exit status 0)" in rest, rest)
        check(status == 0, "exit status %d" % status)


def test_quit_stops_the_program():
    with tempfile.TemporaryDirectory() as tmp:
        t = Terminal(tmp, PROGRAM)
        t.stop()
        t.type("b 7")
        t.stop()
        t.type("c")
        t.stop()
        t.type("quit")
        status, rest = t.close()
        check(status == 0, "exit status %d" % status)
        check("b is 9" not in rest and "c is 10" not in rest, "nothing ran after quit: %r" % rest)


def test_list_help_and_mistakes():
    with tempfile.TemporaryDirectory() as tmp:
        t = Terminal(tmp, PROGRAM)
        t.stop()
        t.type("list")
        listing = t.stop()
        check("   1  -> def square(x):" in listing and "   6     b = square(3)" in listing, listing)
        t.type("break 99")
        check("*** not a line of prog.py: '99' (1 to 9)" in t.stop(), "bad line")
        t.type("frobnicate")
        check("*** unknown command 'frobnicate'" in t.stop(), "unknown command")
        t.type("help")
        check("s, step" in t.stop(), "help")
        t.type("b")
        check("No breakpoints." in t.stop(), "no breakpoints")
        os.write(t.master, b"\x04")  # Ctrl-D: end of input quits
        status, _ = t.close()
        check(status == 0, "exit status %d" % status)


def test_exception_ends_with_traceback():
    with tempfile.TemporaryDirectory() as tmp:
        t = Terminal(tmp, "x = 1\nraise ValueError('bad')\n")
        t.stop()
        t.type("s")
        shown = t.stop()
        check("--Exception-- ValueError: bad" not in shown and "prog.py:2" in shown, shown)
        t.type("s")
        status, rest = t.close()
        check("--Exception-- ValueError: bad" in rest and "ValueError: bad" in rest
              and "(exit status 1)" in rest, rest)
        check(status == 1, "exit status %d" % status)


def test_program_from_stdin_is_refused():
    p = subprocess.run([ERYX, "debug", "-"], capture_output=True, timeout=60, env=ENV,
                       stdin=subprocess.DEVNULL)
    check(p.returncode == 2 and b"reads its commands on stdin" in p.stderr, p.stderr)


if __name__ == "__main__":
    sys.exit(run_tests(globals(), sys.argv[1:]))
