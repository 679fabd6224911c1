#!/usr/bin/env python3
"""Run `bulkhead keygen` on a pseudo-terminal without COSIGN_PASSWORD and type two passwords.

Usage: tty_keygen.py BULKHEAD PREFIX FIRST SECOND. Prints what the terminal showed, exits with
keygen's status; the test checks that the passwords were asked for and never echoed.
"""
import os
import pty
import select
import sys
import time

bulkhead, prefix, first, second = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    env = dict(os.environ)
    env.pop("COSIGN_PASSWORD", None)
    os.execve(bulkhead, [bulkhead, "keygen", "--output-key-prefix", prefix], env)
seen = b""


def read_until(text, limit=10.0):
    global seen
    end = time.time() + limit
    while text not in seen and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                return


read_until(b"private key: ")
os.write(fd, first.encode() + b"\n")
read_until(b"again: ")
os.write(fd, second.encode() + b"\n")
read_until(b"\x00", 30.0 if first == second else 5.0)
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.WEXITSTATUS(status))
