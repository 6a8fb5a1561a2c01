"""Check bench/terminal.py's screen model against pyte, a full terminal emulator, on real output.

    pip install pyte                                   # into any virtualenv; not a dependency
    python bench/check_screen.py --db CATALOGUE        # a scripted tuiguide session
    python bench/check_screen.py -- python bench/minimal_app.py

Runs the command on a pseudo-terminal, types a session of keys (scrolling, tiers, search,
help), records every byte, then feeds the recording to both screens in slices of several
sizes and compares the text they show after every slice. Exit 1 on any difference.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from terminal import SIZE, PtyProcess, Screen  # noqa: E402

KEYS = [b"h", b"\x1b[B", b"\r", b"G", b"\x1b[6~", b"2", b"0", b"\x1b[A" * 5, b"/", b"k", b"v",
        b" ", b"\x1b", b"3", b"h", b"\x1b[B" * 8, b"?", b"\x1b"]
"""The session; no quit key: once an app leaves the alternate screen, pyte (which has none)
and a terminal differ."""


def record(cmd: list[str]) -> bytes:
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    proc = PtyProcess(cmd, env)
    recorded = bytearray()
    feed = proc.screen.feed

    def keep(data: bytes) -> None:
        recorded.extend(data)
        feed(data)

    proc.screen.feed = keep  # type: ignore[method-assign]
    try:
        proc.settle(quiet=1.0, timeout=60)
        for keys in KEYS:
            proc.type(keys)
            until = time.perf_counter() + 0.5
            while time.perf_counter() < until:
                proc.read(0.1)
    finally:
        proc.close()
    return bytes(recorded)


def compare(data: bytes, step: int) -> int:
    import pyte

    theirs = pyte.Screen(*SIZE)
    stream = pyte.ByteStream(theirs)
    ours = Screen(*SIZE)
    differences = 0
    for start in range(0, len(data), step):
        chunk = data[start:start + step]
        stream.feed(chunk)
        ours.feed(chunk)
        want = [line.rstrip() for line in theirs.display]
        got = [line.rstrip() for line in ours.text().split("\n")]
        if want != got:
            differences += 1
            if differences == 1:
                row = next(n for n, (a, b) in enumerate(zip(want, got, strict=True)) if a != b)
                print(f"  first difference at byte {start}, row {row}:\n  pyte: {want[row]!r}\n"
                      f"  ours: {got[row]!r}")
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="run tuiguide (the one next to this python) on it")
    parser.add_argument("cmd", nargs="*", help="or run this command")
    args = parser.parse_args(argv)
    if args.db is not None:
        cmd = [str(Path(sys.executable).with_name("tuiguide")), "--db", str(args.db)]
    elif args.cmd:
        cmd = args.cmd
    else:
        parser.error("give --db CATALOGUE or a command")
    data = record(cmd)
    failed = False
    for step in (61, 997, 4096):
        differences = compare(data, step)
        print(f"{len(data):,} bytes in slices of {step}: {differences} differences")
        failed = failed or differences > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
