#!/usr/bin/env python3
"""CPU used by an idle `g2a-tui --demo` viewer, read from /proc, in a real pty.

Usage: cargo build --release && python3 bench/idle.py [seconds]

The viewer is started on the completed demo session (nothing changes by itself), left
to fill its panes, and then its user+system CPU time is sampled over the window. An
event-driven loop should spend next to nothing: it only wakes for the "updated Ns ago"
labels (once a second for the first minute, then once a minute).
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

BIN = os.path.join(os.path.dirname(__file__), "..", "target", "release", "g2a-tui")
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of stat; after the ")" split they are 11 and 12.
    return (int(fields[11]) + int(fields[12])) / TICKS


def drain(fd, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def main():
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    window = float(sys.argv[1]) if len(sys.argv) > 1 else 20
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(BIN, [BIN, "--demo"])
    drain(fd, 2)
    before = cpu_seconds(pid)
    drain(fd, window)
    used = cpu_seconds(pid) - before
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    print(f"idle for {window:.0f} s: {used * 1000:.0f} ms CPU ({used / window * 100:.2f}% of one core)")


if __name__ == "__main__":
    main()
