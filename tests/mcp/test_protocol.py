"""`eryx mcp` at the level of raw JSON-RPC lines: malformed input gets the
proper error codes and never ends the server, version negotiation,
cancellation of running and queued calls, end of input."""
import json
import os
import select
import signal
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ERYX = os.environ.get("ERYX", os.path.join(ROOT, "build", "bin", "eryx"))


class Server:
    """An `eryx mcp` process with line-level access to its stdin and stdout."""

    def __init__(self, *args):
        self.p = subprocess.Popen([ERYX, "mcp", *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  preexec_fn=lambda: signal.signal(signal.SIGPIPE, signal.SIG_DFL))
        self.pending = b""

    def send_raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, obj):
        self.send_raw(json.dumps(obj).encode() + b"\n")

    def request(self, id, method, params=None):
        msg = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def read(self, timeout=20):
        """The next message the server sends, parsed (None at end of output)."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no answer within %s s" % timeout)
            ready, _, _ = select.select([self.p.stdout], [], [], left)
            if ready:
                chunk = os.read(self.p.stdout.fileno(), 1 << 20)
                if not chunk:
                    return None
                self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return json.loads(line)

    def nothing_within(self, seconds):
        """True when the server sends nothing for `seconds`."""
        if b"\n" in self.pending:
            return False
        ready, _, _ = select.select([self.p.stdout], [], [], seconds)
        return not ready

    def call(self, id, method, params=None):
        self.request(id, method, params)
        answer = self.read()
        assert answer["id"] == id, answer
        return answer

    def run(self, id, code, **extra):
        return self.call(id, "tools/call", {"name": "run_python",
                                            "arguments": dict(code=code, **extra)})

    def initialize(self, version="2025-11-25"):
        return self.call(0, "initialize", {"protocolVersion": version, "capabilities": {},
                                           "clientInfo": {"name": "raw", "version": "1"}})

    def close(self):
        """Ends stdin; returns the exit status."""
        self.p.stdin.close()
        status = self.p.wait(20)
        self.p.stdout.close()
        self.p.stderr.close()
        return status


@pytest.fixture
def server():
    s = Server()
    yield s
    if s.p.poll() is None:
        s.p.kill()
        s.p.wait()


def alive(server):
    """The server still answers (a ping)."""
    return server.call("alive", "ping") == {"jsonrpc": "2.0", "id": "alive", "result": {}}


def error_code(answer):
    assert "result" not in answer, answer
    return answer["error"]["code"]


def test_parse_errors(server):
    for raw in (b"garbage", b"{", b'{"a": 1,}', b"\xff\xfe", b'{"x": "\x00"}', b"[" * 300,
                b'{"jsonrpc": "2.0", "id": 1, "method": "ping"} extra', b'"\xed\xa0\x80"'):
        server.send_raw(raw + b"\n")
        answer = server.read()
        assert error_code(answer) == -32700, raw
        assert answer["id"] is None
    assert alive(server)


def test_invalid_requests(server):
    for msg in ([], [{"jsonrpc": "2.0", "id": 1, "method": "ping"}], 7, "ping", None,
                {"id": 1, "method": "ping"}, {"jsonrpc": "1.0", "id": 1, "method": "ping"},
                {"jsonrpc": "2.0", "id": 1, "method": 5},
                {"jsonrpc": "2.0", "id": {"x": 1}, "method": "ping"},
                {"jsonrpc": "2.0", "id": None, "method": "ping"},
                {"jsonrpc": "2.0", "id": 1, "method": "ping", "params": 3},
                {"jsonrpc": "2.0", "id": 1}):
        server.send(msg)
        assert error_code(server.read()) == -32600, msg
    # The id is echoed whenever it is a valid one.
    server.send({"jsonrpc": "1.0", "id": "keep", "method": "ping"})
    assert server.read()["id"] == "keep"
    assert alive(server)


def test_method_not_found_and_invalid_params(server):
    assert error_code(server.call(1, "resources/list")) == -32601
    assert error_code(server.call(2, "tools/nope", {})) == -32601
    assert error_code(server.call(3, "initialize", {})) == -32602
    assert error_code(server.call(4, "tools/call", {})) == -32602
    assert error_code(server.call(5, "tools/call", {"name": "nope"})) == -32602
    assert error_code(server.call(6, "tools/call", {"name": "run_python", "arguments": []})
                      ) == -32602
    assert error_code(server.call(7, "tools/list", [1])) == -32602
    assert alive(server)


def test_tool_argument_errors_are_tool_results(server):
    for args in ({}, {"code": 5}, {"code": "1", "timeout_seconds": 0},
                 {"code": "1", "timeout_seconds": "3"}, {"code": "1", "extra": True}):
        answer = server.call(1, "tools/call", {"name": "run_python", "arguments": args})
        assert answer["result"]["isError"] is True, args
        assert answer["result"]["content"][0]["type"] == "text"
    answer = server.call(2, "tools/call", {"name": "reset_session", "arguments": {"x": 1}})
    assert answer["result"]["isError"] is True


def file_call(server, id, name, **arguments):
    return server.call(id, "tools/call", {"name": name, "arguments": arguments})["result"]


def test_file_tools_at_the_edges():
    """Quota, size bound, odd paths and content: each a tool error or the
    exact bytes, and the session goes on."""
    s = Server("--fs-limit", "1")
    try:
        s.initialize()
        # Over the file quota (1 MiB): ENOSPC as a tool error; freeing makes room.
        big = "x" * (1 << 20)
        r = file_call(s, 1, "write_file", path="big.txt", content=big + "x")
        assert r["isError"] and "quota" in r["content"][0]["text"], r
        r = file_call(s, 2, "write_file", path="big.txt", content="y" * 1000)
        assert not r["isError"], r
        # Invalid paths: NUL, empty, too long; traversal stays in the tree.
        for i, path in enumerate(["a\0b", "", "a/" * 3000, 7]):
            r = file_call(s, 10 + i, "read_file", path=path)
            assert r["isError"], path
        r = file_call(s, 20, "read_file", path="../../etc/passwd")
        assert r["isError"] and "no such file" in r["content"][0]["text"], r
        # Unicode names and content round-trip; a lone surrogate can not be
        # written as UTF-8 text (json gives U+FFFD or refuses), the session lives.
        r = file_call(s, 21, "write_file", path="zoë/ünï.txt", content="日本\n")
        assert not r["isError"], r
        r = file_call(s, 22, "read_file", path="/data/zoë/ünï.txt")
        assert r["content"][0]["text"] == "日本\n"
        assert r["structuredContent"]["size"] == len("日本\n".encode())
        r = file_call(s, 23, "list_files", path="zoë")
        assert [e["name"] for e in r["structuredContent"]["entries"]] == ["ünï.txt"]
        # A directory is not a file, a file is not a directory.
        assert file_call(s, 24, "read_file", path="zoë")["isError"]
        assert file_call(s, 25, "list_files", path="big.txt")["isError"]
        # Larger than read_file returns (8 MiB): the session's quota is 1 MiB
        # here, so write it from the code in a second server below.
        assert alive(s)
    finally:
        assert s.close() == 0
    s = Server("--fs-limit", "64")
    try:
        s.initialize()
        r = s.run(1, "open('huge', 'wb').write(b'a' * (9 << 20))")
        assert not r["result"]["isError"], r
        r = file_call(s, 2, "read_file", path="huge")
        assert r["isError"] and "8 MiB" in r["content"][0]["text"], r
        r = file_call(s, 3, "write_file", path="huge2", content="b" * (9 << 20))
        assert r["isError"] and "8 MiB" in r["content"][0]["text"], r
        # Files survive calls but not reset_session.
        file_call(s, 4, "write_file", path="keep.txt", content="k")
        assert s.run(5, "result = open('keep.txt').read()")["result"][
            "structuredContent"]["result"] == "k"
        s.call(6, "tools/call", {"name": "reset_session", "arguments": {}})
        assert file_call(s, 7, "read_file", path="keep.txt")["isError"]
        assert alive(s)
    finally:
        assert s.close() == 0


def test_trace_file_gets_the_events_of_calls(tmp_path):
    trace = tmp_path / "trace.jsonl"
    s = Server("--trace", str(trace))
    try:
        s.initialize()
        s.run(1, "def f():\n    return 1\nf()")
    finally:
        assert s.close() == 0
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert any(e.get("event") == "call" and e.get("function") == "f" for e in events), events[:5]


def test_notifications_and_responses_get_no_answer(server):
    server.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    server.send({"jsonrpc": "2.0", "method": "notifications/whatever", "params": {"a": 1}})
    server.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {}})
    server.send({"jsonrpc": "2.0", "id": 9, "result": {}})
    server.send({"jsonrpc": "2.0", "id": 9, "error": {"code": 1, "message": "x"}})
    server.send_raw(b"\n   \r\n\t\n")
    assert server.nothing_within(0.3)
    assert alive(server)


def test_version_negotiation():
    for asked, expected in (("2025-11-25", "2025-11-25"), ("2025-06-18", "2025-06-18"),
                            ("2025-03-26", "2025-03-26"), ("2024-11-05", "2024-11-05"),
                            ("1999-01-01", "2025-11-25"), ("", "2025-11-25")):
        s = Server()
        result = s.initialize(asked)["result"]
        assert result["protocolVersion"] == expected
        assert result["capabilities"] == {"tools": {"listChanged": False}}
        tools = s.call(1, "tools/list")["result"]["tools"]
        call = s.run(2, "result = 1")["result"]
        structured = expected >= "2025-06-18"
        assert ("outputSchema" in tools[0]) == structured, asked
        assert ("structuredContent" in call) == structured, asked
        assert s.close() == 0


def test_crlf_and_ids_of_every_kind(server):
    server.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"ping"}\r\n')
    assert server.read() == {"jsonrpc": "2.0", "id": 1, "result": {}}
    for id in ("text", "", 0, -5, 1.5, 10 ** 20, "\u2603"):
        assert server.call(id, "ping")["id"] == id


def test_guest_output_stays_inside_the_answer(server):
    code = ("print('{\"jsonrpc\": \"2.0\", \"id\": 99, \"result\": {}}')\n"
            "import sys\nsys.stdout.write('\\r\\n\\x00\\x1b[31m')\nprint('x' * 200000)")
    answer = server.run(1, code)
    assert answer["result"]["structuredContent"]["stdout"].startswith('{"jsonrpc"')
    assert len(answer["result"]["structuredContent"]["stdout"]) > 200000
    assert alive(server)


def test_too_long_message(server):
    server.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"' +
                    b"a" * (33 << 20) + b'"}}\n')
    answer = server.read()
    assert error_code(answer) == -32600 and "longer" in answer["error"]["message"]
    assert alive(server)


def test_ping_answered_while_a_call_runs(server):
    server.request(1, "tools/call", {"name": "run_python",
                                     "arguments": {"code": "import time\ntime.sleep(1)\nresult=1"}})
    time.sleep(0.2)
    server.request(2, "ping")
    server.request(3, "tools/list")
    assert server.read()["id"] == 2
    assert server.read()["id"] == 3
    assert server.read()["id"] == 1


def test_cancel_running_and_queued_calls(server):
    server.request(1, "tools/call", {"name": "run_python",
                                     "arguments": {"code": "x = 1\nwhile True: pass"}})
    server.request("queued", "tools/call", {"name": "run_python",
                                            "arguments": {"code": "result = 'ran'"}})
    time.sleep(0.3)
    server.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
                 "params": {"requestId": "queued", "reason": "test"}})
    server.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
                 "params": {"requestId": 1.0, "reason": "test"}})  # the same id as 1
    # Neither is answered; the session was reset by the cancellation.
    answer = server.run(3, "result = 'x' in globals()")
    assert answer["result"]["structuredContent"]["result"] is False


def test_cancel_before_it_starts_and_unknown_ids(server):
    for i in range(10):
        server.request(i, "tools/call", {"name": "run_python",
                                         "arguments": {"code": "while True: pass"}})
        server.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
                     "params": {"requestId": i}})
    server.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
                 "params": {"requestId": "never-sent"}})
    assert server.run("after", "result = 2")["result"]["structuredContent"]["result"] == 2


def test_too_many_queued_calls(server):
    for i in range(20):
        server.request(i, "tools/call", {"name": "run_python",
                                         "arguments": {"code": "import time\ntime.sleep(0.2)"}})
    answers = [server.read() for _ in range(20)]
    busy = [a for a in answers if "error" in a]
    assert busy and all(a["error"]["code"] == -32000 for a in busy)
    assert len(answers) - len(busy) >= 16


def test_crash_and_limits_renew_the_session():
    s = Server("--memory", "64", "--output-limit", "1000", "--timeout", "2")
    for code in ("x = []\nwhile True:\n    x.append(' ' * 100000)", "while True: print('y')",
                 "while True: pass", "import sys\nsys.setrecursionlimit(10 ** 6)\n"
                 "def f(n):\n    return f(n + 1)\nf(0)"):
        s.run(1, "alive = True")
        answer = s.run(2, code)["result"]
        assert answer["isError"] is True, code
        assert s.run(3, "result = 40 + 2")["result"]["structuredContent"]["result"] == 42
    assert s.close() == 0


def test_timeout_seconds_cannot_exceed_the_server_limit():
    s = Server("--timeout", "0.5")
    answer = s.run(1, "while True: pass", timeout_seconds=1000)["result"]
    assert answer["structuredContent"]["error"]["kind"] == "timeout"
    assert "0.5 s" in answer["content"][0]["text"]
    assert s.close() == 0


def test_end_of_input_answers_queued_calls_then_exits():
    s = Server()
    s.request(1, "tools/call", {"name": "run_python", "arguments": {"code": "result = 1"}})
    s.request(2, "tools/call", {"name": "run_python", "arguments": {"code": "result = 2"}})
    s.p.stdin.close()
    got = [s.read(), s.read(), s.read()]
    assert [a["id"] for a in got[:2]] == [1, 2] and got[2] is None
    assert s.p.wait(20) == 0


def test_last_line_without_newline():
    s = Server()
    s.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"ping"}')
    s.p.stdin.close()
    assert s.read() == {"jsonrpc": "2.0", "id": 1, "result": {}}
    assert s.p.wait(20) == 0


def test_client_gone_without_reading():
    s = Server()
    s.p.stdout.close()  # nobody reads the answers any more
    for i in range(50):
        s.request(i, "ping")
    s.p.stdin.close()
    assert s.p.wait(20) == 0
