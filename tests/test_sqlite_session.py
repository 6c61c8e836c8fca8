"""sqlite3 on a file across the executions of one `eryx session`: a database
written by one request is read (and locked) by the next ones; the journal
modes the sandbox refuses answer as SQLite refuses them.

usage: python3.11 tests/test_sqlite_session.py
Ends with the line "N passed, N failed".
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERYX = os.environ.get("ERYX", os.path.join(ROOT, "build", "bin", "eryx"))

REQUESTS = [
    # 1: create and fill a database on a file
    "import sqlite3\ncon = sqlite3.connect('/tmp/s.db')\n"
    "con.execute('create table t (k text primary key, v int)')\n"
    "con.executemany('insert into t values (?, ?)', [('a', 1), ('b', 2)])\n"
    "con.commit()\ncon.close()\nresult = 'written'",
    # 2: a new connection in the next execution reads it; a write is rolled back
    "import sqlite3\ncon = sqlite3.connect('/tmp/s.db')\n"
    "con.execute(\"insert into t values ('c', 3)\")\ncon.rollback()\n"
    "result = con.execute('select k, v from t order by k').fetchall()",
    # 3: a connection kept in the session leaves a write transaction open...
    "writer = sqlite3.connect('/tmp/s.db', timeout=0)\n"
    "writer.execute(\"insert into t values ('d', 4)\")\nresult = writer.in_transaction",
    # 4: ...locks out another connection until it commits
    "other = sqlite3.connect('/tmp/s.db', timeout=0)\n"
    "try:\n    other.execute(\"insert into t values ('e', 5)\")\n    result = 'not locked'\n"
    "except sqlite3.OperationalError as exc:\n    result = str(exc)\n"
    "writer.commit()\nother.execute(\"insert into t values ('e', 5)\")\nother.commit()",
    # 5: WAL is refused: the pragma answers the journal mode it kept
    "result = [other.execute('pragma journal_mode=wal').fetchone()[0],\n"
    "          other.execute('select count(*) from t').fetchone()[0]]",
]
EXPECTED = ["written", [["a", 1], ["b", 2]], True, "database is locked", ["delete", 4]]


def main():
    lines = "".join(json.dumps({"id": i + 1, "code": c}) + "\n" for i, c in enumerate(REQUESTS))
    p = subprocess.run([ERYX, "session"], input=lines.encode(), capture_output=True, timeout=120)
    answers = [json.loads(l) for l in p.stdout.splitlines()]
    passed = failed = 0
    for i, want in enumerate(EXPECTED):
        got = answers[i] if i < len(answers) else {}
        if got.get("result") == want and not got.get("error"):
            passed += 1
            print("ok   request %d" % (i + 1))
        else:
            failed += 1
            print("FAIL request %d: want %r, got %r" % (i + 1, want, got))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
