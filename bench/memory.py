"""Peak resident memory (RSS) of processes: ours, a server's process tree, a job run in a child."""

import multiprocessing
import os
import resource
from pathlib import Path
from queue import Empty


def self_peak_mb() -> float:
    """This process's own peak RSS (VmHWM: reset at exec, unlike ru_maxrss, which Linux carries over
    from the process that forked us)."""
    return _hwm_mb(os.getpid()) or round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def tree_peak_mb(pid: int) -> dict:
    """Peak RSS of a server: its master and each worker (VmHWM), the largest and the sum."""
    pids = [pid, *_children(pid)]
    peaks = [_hwm_mb(p) for p in pids]
    return {"processes": len(pids), "max_process_mb": max(peaks), "sum_mb": round(sum(peaks), 1)}


def _job_entry(target, args, queue) -> None:
    import traceback

    import django

    try:
        django.setup()
        queue.put(("ok", target(*args), self_peak_mb()))
    except BaseException as exc:  # reported to the parent, which must never wait forever
        queue.put(("error", f"{exc!r}\n{traceback.format_exc(limit=5)}", self_peak_mb()))


def run_job(target, *args):
    """Run target(*args) in a fresh interpreter (spawn, so the peak is the job's own, not inherited
    from this process) and return (its result, its peak RSS in MB). Raises RuntimeError if the job
    fails or dies."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_job_entry, args=(target, args, queue))
    proc.start()
    while True:
        try:
            status, result, peak = queue.get(timeout=1)
            break
        except Empty:
            if not proc.is_alive():
                raise RuntimeError(f"the job died (exit code {proc.exitcode})") from None
    proc.join()
    if status != "ok":
        raise RuntimeError(result)
    return result, peak
