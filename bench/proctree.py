"""Run a command and measure it: wall time, CPU time and the peak RSS of its process tree.

Peak memory is sampled from ``/proc`` every ~20 ms: the sum of the resident set sizes of the
process and all its descendants (worker processes, and Pagefind when Glossator runs it). The
processes whose command line names Pagefind are also summed apart, so Pagefind's own peak and
active time can be reported beside Glossator's. A sum of RSS counts pages shared between
processes (forked workers, shared libraries) once per process, so it errs on the high side.

``resource``'s ``ru_maxrss`` is recorded too, but it is the peak of the largest single process,
not of the tree.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
INTERVAL = 0.02


@dataclass
class Measurement:
    wall: float  # seconds, time.perf_counter around the subprocess
    cpu: float  # user + system seconds of the whole tree (see measure)
    peak_rss: int  # bytes: peak of the sum over the whole tree
    peak_rss_main: int  # bytes: the same without the Pagefind processes
    peak_rss_pagefind: int  # bytes: Pagefind's processes alone
    pagefind_wall: float  # seconds between the first and the last sample that saw Pagefind
    max_single_rss: int  # bytes: ru_maxrss of the largest single waited-for process
    returncode: int | None
    timed_out: bool = False
    samples: int = 0
    loadavg: float = 0.0  # 1-minute load average just before the run
    stderr_tail: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class TreeSampler(threading.Thread):
    """Samples the RSS of a process tree until stopped."""

    def __init__(self, root: int, interval: float = INTERVAL):
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.parents: dict[int, int] = {}  # pid → ppid of every process seen
        self.is_pagefind: dict[int, bool] = {}
        self.peak = self.peak_main = self.peak_pagefind = 0
        self.pagefind_first = self.pagefind_last = None
        self.samples = 0
        self.cpu_ticks: dict[int, int] = {}  # pid → its own user + system time, last seen
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def sample(self) -> None:
        pids = {int(p) for p in os.listdir("/proc") if p.isdigit()}
        for gone in set(self.parents) - pids:
            del self.parents[gone]
            self.is_pagefind.pop(gone, None)
        for pid in pids - set(self.parents):
            self.parents[pid] = _ppid(pid)
        total = pagefind = 0
        for pid in self._tree():
            self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), _cpu_ticks(pid))
            rss = _rss(pid)
            total += rss
            if self._pagefind(pid):
                pagefind += rss
        self.samples += 1
        self.peak = max(self.peak, total)
        self.peak_main = max(self.peak_main, total - pagefind)
        self.peak_pagefind = max(self.peak_pagefind, pagefind)
        if pagefind:
            now = time.perf_counter()
            self.pagefind_first = self.pagefind_first or now
            self.pagefind_last = now

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for pid, ppid in self.parents.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, ()))
        return tree

    def _pagefind(self, pid: int) -> bool:
        if pid not in self.is_pagefind:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                return False
            if not cmdline:  # not exec'ed yet: decide on a later sample
                return False
            self.is_pagefind[pid] = b"pagefind" in cmdline
        return self.is_pagefind[pid]

    @property
    def cpu(self) -> float:
        """CPU seconds of every process seen in the tree, waited for or not (a pool's
        workers may be children of a fork server that the build never waits for)."""
        return sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")

    @property
    def pagefind_wall(self) -> float:
        if self.pagefind_first is None:
            return 0.0
        return self.pagefind_last - self.pagefind_first


def _ppid(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    return int(stat[stat.rindex(")") + 2:].split()[1])  # after "(comm) state"


def _cpu_ticks(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2:].split()  # from field 3, "state"
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError):
        return 0


def measure(cmd: list[str], cwd: Path, *, timeout: float, log: Path,
            env: dict | None = None) -> Measurement:
    """Run ``cmd`` in ``cwd`` (output to ``log``), killing its process group after
    ``timeout`` seconds. The files earlier builds wrote are flushed to disk first, so that
    writing them back does not share the cores with this build."""
    os.sync()
    load = os.getloadavg()[0]
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(errors="replace")
    # the larger of: what wait4 reports (exact, but only for waited-for processes) and
    # the sum of every process's own CPU time as last sampled (may miss its last 20 ms)
    return Measurement(wall=wall, cpu=max(usage.ru_utime + usage.ru_stime, sampler.cpu),
                       peak_rss=sampler.peak, peak_rss_main=sampler.peak_main,
                       peak_rss_pagefind=sampler.peak_pagefind,
                       pagefind_wall=sampler.pagefind_wall,
                       max_single_rss=usage.ru_maxrss * 1024, returncode=proc.returncode,
                       timed_out=timed_out.is_set(), samples=sampler.samples, loadavg=load,
                       stderr_tail=text[-2000:])
