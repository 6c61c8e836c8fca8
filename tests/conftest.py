"""pytest set-up of the pytest suites (tests/python, tests/mcp): eryx is
imported from build/python (make python), and a run closes with the line
"N passed, N failed" that tests/run.sh adds up."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "build", "python"))


def pytest_terminal_summary(terminalreporter):
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    terminalreporter.write_line("%d passed, %d failed" % (passed, failed))
