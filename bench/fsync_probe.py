#!/usr/bin/env python3
"""How long fdatasync takes on this machine's disk right now: 50 syncs after overwriting
40 KiB in place (what a reused write-ahead log does) and 50 after appending 40 KiB (a growing
log). Usage: python3 bench/fsync_probe.py [directory, default /tmp]"""
import os
import sys
import time

directory = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
path = os.path.join(directory, f"admit-fsync-probe-{os.getpid()}")
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
try:
    os.write(fd, b"x" * 4096 * 100)
    os.fsync(fd)

    def report(name, times):
        times.sort()
        print(f"fdatasync after {name}: p50 {times[len(times) // 2] * 1e3:.2f} ms, "
              f"p90 {times[len(times) * 9 // 10] * 1e3:.2f} ms, max {times[-1] * 1e3:.2f} ms")

    overwrite = []
    for i in range(50):
        os.pwrite(fd, b"y" * 4096 * 10, (i % 10) * 4096 * 10)
        started = time.perf_counter()
        os.fdatasync(fd)
        overwrite.append(time.perf_counter() - started)
    report("overwrite", overwrite)
    append = []
    for _ in range(50):
        os.write(fd, b"z" * 4096 * 10)
        started = time.perf_counter()
        os.fdatasync(fd)
        append.append(time.perf_counter() - started)
    report("append", append)
finally:
    os.close(fd)
    os.unlink(path)
