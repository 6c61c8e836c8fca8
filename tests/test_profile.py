"""`eryx run --profile REPORT`: the report is one self-contained HTML page
that a real browser (Debian's chromium, headless) draws from aggregates.
The page is checked through its DOM after its script ran (--dump-dom):
line counts of a known program, its functions, the callbacks on the
timeline (gathered ones side by side, the failed one marked), its output;
a screenshot goes to build/profile-report.png. A program with 10^6 events
gives a page under 5 MB whose DOM does not grow with the events.

usage: python3.11 tests/test_profile.py [FILTER]
Ends with the line "N passed, N failed".
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from harness import check, run_tests  # noqa: E402
ERYX = os.environ.get("ERYX", os.path.join(ROOT, "build", "bin", "eryx"))
SCREENSHOT = os.path.join(ROOT, "build", "profile-report.png")
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}

PROGRAM = """\
import asyncio

def work(n):
    total = 0
    for i in range(n):
        total += i
    return total

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

print("work", work(1000))
print("fib", fib(15))
results = await asyncio.gather(pause(x=1), pause(x=2), pause(x=3))
try:
    await broken()
except CallbackError as e:
    print("broken:", e)
print("done", results)
"""
CALLBACKS = ["--callback", "pause=sleep 0.2; echo 1", "--callback", "broken=echo oops >&2; exit 3"]


def profile(tmp, source, *extra):
    """Runs source with --profile; returns (status, stdout, report path)."""
    prog = os.path.join(tmp, "prog.py")
    with open(prog, "w") as f:
        f.write(source)
    report = os.path.join(tmp, "report.html")
    p = subprocess.run([ERYX, "run", "--profile", report, *extra, prog], capture_output=True,
                       timeout=120, env=ENV, cwd=tmp)
    return p.returncode, p.stdout.decode(), p.stderr.decode(), report


def chromium(tmp, url_path, *args):
    """Headless chromium on a file, as root; returns its stdout."""
    browser = shutil.which("chromium")
    check(browser, "chromium is not installed (scripts/setup-deps.sh installs it)")
    profile_dir = tempfile.mkdtemp(dir=tmp)
    argv = [browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--user-data-dir=" + profile_dir, *args, "file://" + url_path]
    p = subprocess.run(argv, capture_output=True, timeout=120, env=ENV)
    check(p.returncode == 0, "chromium failed (%d): %s" % (p.returncode, p.stderr.decode()[-500:]))
    return p.stdout.decode()


class Dom(html.parser.HTMLParser):
    """The dumped DOM as a list of elements (tag, attrs, text inside)."""

    def __init__(self, text):
        super().__init__()
        self.elements = []
        self.open = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("br", "meta", "link", "img", "input", "hr"):
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            element = self.open.pop()
            if element["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data

    def find(self, tag, class_=None, **attrs):
        """Elements of `tag` with the class and attribute values given."""
        return [e for e in self.elements if e["tag"] == tag
                and (class_ is None or class_ in (e["attrs"].get("class") or "").split())
                and all(e["attrs"].get(k) == v for k, v in attrs.items())]

    def row_cells(self, tr):
        """The texts of the td cells of a table row."""
        cells = []
        for e in self.elements[self.elements.index(tr) + 1:]:
            if e["tag"] == "tr":
                break
            if e["tag"] == "td":
                cells.append(e["text"])
        return cells


def line_rows(dom):
    """{line: [number, runs, own, total, heat, code]} from the source table."""
    return {int(tr["attrs"]["data-line"]): dom.row_cells(tr)
            for tr in dom.find("tr") if "data-line" in tr["attrs"]}


def test_report_of_a_known_program():
    with tempfile.TemporaryDirectory() as tmp:
        status, out, err, report = profile(tmp, PROGRAM, *CALLBACKS)
        check(status == 0, "status %d: %s" % (status, err))
        check("work 499500" in out and "done [1, 1, 1]" in out, "program output: %r" % out)
        with open(report, encoding="utf-8") as f:
            page = f.read()
        # Self-contained: nothing loaded from anywhere.
        for needle in ("<link", " src=", "@import", "url(", "http://", "https://"):
            check(needle not in page, "the report refers to something outside: %r" % needle)
        dom = Dom(chromium(tmp, report, "--dump-dom"))
        check(dom.find("body") and dom.find("body")[0]["attrs"].get("data-ready") == "1",
              "the report's script did not finish")
        rows = line_rows(dom)
        # [lineno, count, own, total, heat, code]
        check(rows[5][1] == "1001" and rows[6][1] == "1000", "loop lines: %r %r" % (rows[5], rows[6]))
        check(rows[10][1] == "1973", "fib(15) runs its line 1973 times: %r" % rows[10])
        check(rows[2][1] == "", "a blank line has no count: %r" % rows[2])
        check("for i in range(n):" in rows[5][5], "the source is shown: %r" % rows[5])
        hot = [e for e in dom.find("tr", class_="hot")]
        check(1 <= len(hot) <= 5, "hottest lines marked: %d" % len(hot))
        # The call tree has fib and work under the module.
        functions = {e["attrs"]["data-function"] for e in dom.find("div", class_="node")
                     if "data-function" in e["attrs"]}
        check({"<module>", "work", "fib"} <= functions, "call tree: %r" % functions)
        # Callbacks: three gathered pauses side by side, the broken one marked.
        bars = dom.find("div", class_="bar")
        pauses = [b for b in bars if b["attrs"].get("data-name") == "pause"]
        check(len(pauses) == 3, "three pause bars: %r" % [b["attrs"] for b in bars])
        check(len({b["attrs"]["data-lane"] for b in pauses}) == 3, "gathered calls in lanes of their own")
        broken = [b for b in bars if b["attrs"].get("data-name") == "broken"]
        check(len(broken) == 1 and "error" in broken[0]["attrs"]["class"].split(),
              "the failed callback is marked: %r" % broken)
        errors = [e["text"] for e in dom.find("td", class_="error") if e["text"]]
        check(errors == ["oops"], "its error is listed: %r" % errors)
        stdout = dom.find("pre", id="stdout")
        check(stdout and "fib 610" in stdout[0]["text"], "the output is shown")
        os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
        chromium(tmp, report, "--window-size=1280,1800", "--screenshot=" + SCREENSHOT)
        check(os.path.getsize(SCREENSHOT) > 10000, "no screenshot")


def test_report_of_an_error():
    with tempfile.TemporaryDirectory() as tmp:
        status, _, err, report = profile(tmp, "x = 1\nprint('before')\n1 / 0\n")
        check(status == 1, "status %d" % status)
        check("ZeroDivisionError" in err, "the traceback still reaches stderr: %r" % err)
        dom = Dom(chromium(tmp, report, "--dump-dom"))
        tb = dom.find("pre", id="traceback")
        check(tb and "ZeroDivisionError: division by zero" in tb[0]["text"], "traceback shown")
        check("exception" in dom.find("div", id="error")[0]["text"], "error kind shown")


def test_million_events_stay_small():
    with tempfile.TemporaryDirectory() as tmp:
        status, _, err, report = profile(tmp, "for i in range(500000):\n    pass\n")
        check(status == 0, "status %d: %s" % (status, err))
        size = os.path.getsize(report)
        check(size < 5 * 1024 * 1024, "report of %d bytes" % size)
        with open(report, encoding="utf-8") as f:
            events = int(re.search(r'"events":(\d+)', f.read()).group(1))
        check(events >= 1000000, "%d events" % events)
        dom = Dom(chromium(tmp, report, "--dump-dom"))
        rows = line_rows(dom)
        check(rows[1][1] == "500001" and rows[2][1] == "500000", "counts: %r" % rows)
        # Aggregates only: the DOM holds no element per event.
        check(len(dom.elements) < 500, "%d elements in the page" % len(dom.elements))


def test_unwritable_report_is_a_usage_error():
    p = subprocess.run([ERYX, "run", "--profile", "/nonexistent/dir/r.html", "-c", "print(1)"],
                       capture_output=True, timeout=60, env=ENV)
    check(p.returncode == 2 and b"cannot open profile report" in p.stderr and not p.stdout,
          "status %d, stderr %r" % (p.returncode, p.stderr))


if __name__ == "__main__":
    sys.exit(run_tests(globals(), sys.argv[1:]))
