#!/usr/bin/env python3
"""Time to first frame and to a filled screen for `g2a-tui --demo`, in a real pty.

Usage: cargo build --release && python3 bench/startup.py [runs]

Reports the median and worst of: the first byte of output (terminal set up), the first
frame with the pane borders (drawn before any answer), and the frame showing the last
transcript message (all three endpoints answered through the loopback demo API).
"""
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import termios
import time

BIN = os.path.join(os.path.dirname(__file__), "..", "target", "release", "g2a-tui")


def run_once():
    pid, fd = pty.fork()
    if pid == 0:
        # A 120x40 terminal, set on the child's side before the viewer asks for its size.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(BIN, [BIN, "--demo"])
    start = time.perf_counter()
    seen = b""
    marks = {}
    deadline = start + 10
    while time.perf_counter() < deadline and "filled" not in marks:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        now = time.perf_counter() - start
        seen += chunk
        marks.setdefault("first byte", now)
        if b"Transcript" in seen:
            marks.setdefault("first frame", now)
        if b"ended the session" in seen:
            marks.setdefault("filled", now)
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    os.close(fd)
    return marks


def main():
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    results = [run_once() for _ in range(runs)]
    for key in ["first byte", "first frame", "filled"]:
        values = [r[key] * 1000 for r in results if key in r]
        if len(values) < runs:
            print(f"{key}: missing in {runs - len(values)} runs")
        if values:
            print(f"{key:12} median {statistics.median(values):7.1f} ms   worst {max(values):7.1f} ms")


if __name__ == "__main__":
    main()
