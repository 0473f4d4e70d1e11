"""Progress of long loads and exports through the real CLI: on a terminal a bar with the
percentage and the time remaining (the total is counted first); in a log, nothing but the
summary."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from tests.conftest import REPO, shared

# tqdm's bar: "Loading UVA: 100%|█████| 2000/2000 [00:04<00:00, 450.12 records/s]"
BAR = re.compile(r"(\d+)%\|[^|]*\| *(\d+)/(\d+) \[\d\d:\d\d<\d\d:\d\d")


def lantern_on_a_terminal(data_dir, *args: str) -> tuple[int, str]:
    """Run `lantern ARGS` with its stderr on a pseudo-terminal; (exit status, what it showed)."""
    leader, follower = pty.openpty()
    # a terminal of 30 rows and 120 columns, as a real one says it is (a bare pty says 0 x 0)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "lantern.cli", "--data-dir", str(data_dir), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    proc.wait(timeout=300)
    os.close(leader)
    return proc.returncode, shown.decode("utf-8", "replace")


def test_a_load_and_an_export_show_a_bar_with_percentage_and_time_left(tmp_path):
    path = shared("marc", "solrmarc__uva_001_2000.mrc")
    data_dir = tmp_path / "instance"
    status, shown = lantern_on_a_terminal(
        data_dir, "load", "-l", "UVA", "--workers", "1", str(path)
    )
    assert status == 0, shown
    final = BAR.findall(shown)[-1]
    assert final == ("100", "2000", "2000"), shown
    status, shown = lantern_on_a_terminal(data_dir, "export", str(tmp_path / "uva.mrc"))
    assert status == 0, shown
    percent, done, total = BAR.findall(shown)[-1]
    assert percent == "100" and done == total


def test_a_load_into_a_log_shows_no_progress(tmp_path):
    path = shared("marc", "solrmarc__uva_001-200.mrc")
    done = subprocess.run(
        [sys.executable, "-m", "lantern.cli", "--data-dir", str(tmp_path / "instance")]
        + ["load", "-l", "UVA", "--workers", "1", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "UVA: loaded 200 records" in done.stdout
