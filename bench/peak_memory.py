#!/usr/bin/env python3
"""Peak resident memory of `g2a-tui print` on hostile answers (issue 10), from wait4().

Usage: cargo build --release && python3 bench/peak_memory.py [MiB] [BIN]

A loopback server answers the session with a small object and the events with MiB
(default 255) of `[0,0,0,...]`; then the session with `{"collaborators": [0,0,0,...]}`
(refused past 100,000 elements); then the session with a 500 whose body is MiB of `x`;
then the events as MiB of the smallest events `{"content":"x"}` (16 bytes each, refused
past 2,000,000), without and with the store (which keeps a copy until it is written). Each format is run once per case; the peak resident size (ru_maxrss)
is set against issue 10's target: at most 2x the bytes received plus 50 MiB. The bytes
received for the 500 are what the client reads of it (64 KiB), not what was offered.
Not a timed test: a measurement to quote.
"""
import http.server
import os
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.join(os.path.dirname(__file__), "..")
MIB = int(sys.argv[1]) if len(sys.argv) > 1 else 255
BIN = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "release", "g2a-tui")
SESSION = b'{"sessionId": "1", "status": "complete", "startedAt": "2024-03-05T14:00:00Z"}'
CHUNK = b"0," * (512 * 1024)  # 1 MiB
TINY = b'{"content":"x"},' * (64 * 1024)  # 1 MiB of the smallest events


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = "zeros"

    def log_message(self, *args):
        pass

    def send_stream(self, status, head, fill, tail):
        total = MIB * 1024 * 1024
        body_len = len(head) + total + len(tail)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(body_len))
        self.end_headers()
        try:
            self.wfile.write(head)
            for _ in range(MIB):
                self.wfile.write(fill)
            self.wfile.write(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        if self.path.endswith("/events") and Handler.mode == "zeros":
            self.send_stream(200, b"[", CHUNK, b"0]")
        elif self.path.endswith("/events") and Handler.mode.startswith("tiny"):
            self.send_stream(200, b"[", TINY, b'{"content":"x"}]')
        elif self.path.endswith("/sessions/1") and Handler.mode == "collab0":
            self.send_stream(200, b'{"collaborators": [', CHUNK, b"0]}")
        elif self.path.endswith("/sessions/1") and Handler.mode == "error500":
            self.send_stream(500, b"", b"x" * (1024 * 1024), b"")
        elif self.path.endswith("/sessions/1"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(SESSION)))
            self.end_headers()
            self.wfile.write(SESSION)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def run(fmt, port, store):
    env = {k: v for k, v in os.environ.items() if not k.startswith("G2A_")}
    env.update({"TZ": "UTC", "XDG_CONFIG_HOME": "/nonexistent"})
    home = tempfile.mkdtemp(prefix="g2a-peak-") if store else None
    if home:
        env["G2A_STORE"] = os.path.join(home, "store.sqlite3")
    else:
        env["G2A_NO_STORE"] = "1"
    args = [BIN, "print", "--base-url", f"http://127.0.0.1:{port}", "--token", "t",
            "--timeout", "120", "--format", fmt, "1"]
    started = time.monotonic()
    try:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode(errors="replace").strip().splitlines()
    finally:
        if home:
            shutil.rmtree(home, ignore_errors=True)
    return usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), time.monotonic() - started, err


def main():
    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"binary: {os.path.relpath(BIN, ROOT)}; answer size {MIB} MiB")
    cases = [("zeros", MIB), ("collab0", MIB), ("error500", 64 / 1024), ("tiny", MIB),
             ("tiny+store", MIB)]
    for mode, received in cases:
        Handler.mode = mode
        target = 2 * received + 50
        for fmt in ["json", "text", "markdown", "csv"]:
            peak, code, secs, err = run(fmt, port, mode.endswith("+store"))
            verdict = "ok" if peak <= target else "OVER"
            first = err[0][:70] if err else ""
            print(f"{mode:9} {fmt:8} peak {peak:7.1f} MiB  target {target:6.1f} MiB  {verdict:4}"
                  f"  exit {code}  {secs:5.1f} s  {first}")
    server.shutdown()


if __name__ == "__main__":
    main()
