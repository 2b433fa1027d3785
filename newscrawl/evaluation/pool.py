"""Ordered, crash-safe parallel map over worker processes.

Used by ``newscrawl extract`` and the evaluation runner: results come back in
input order; a job that overruns its time limit, raises, or kills its worker
process (segfault, out of memory) becomes an error result and the run goes on.
At most ``4 * workers`` jobs are in flight, so memory stays bounded on large
inputs.

The time limit is a ``SIGALRM`` timer in the worker (Unix only): it interrupts
Python code, or C code as soon as it hands back to the interpreter.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

J = TypeVar("J")
R = TypeVar("R")

#: ``on_error(job, reason, detail)``: the result standing for a job that failed;
#: ``reason`` is ``"timeout"``, ``"crash"`` (an exception escaped the function) or
#: ``"worker-died"``.
OnError = Callable[[J, str, str], R]


class PageTimeout(BaseException):
    """Raised in a worker when its job overruns (a BaseException, so that the job's
    own ``except Exception`` does not swallow it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise PageTimeout


def _call(fn: Callable[[J], R], job: J, timeout: float | None) -> tuple[str, R | None, str]:
    """Run ``fn(job)`` under the time limit; never raises."""
    timed = bool(timeout) and hasattr(signal, "setitimer")
    try:
        if timed:
            previous = signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout or 0.0)
        try:
            return "ok", fn(job), ""
        finally:
            if timed:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
    except PageTimeout:
        return "timeout", None, f"over {timeout:g} s"
    except Exception as exc:
        return "crash", None, f"{type(exc).__name__}: {exc}"[:300]


def default_workers() -> int:
    return os.cpu_count() or 1


def _outcome(job: J, status: str, value: R | None, detail: str, on_error: OnError[J, R]) -> R:
    return value if status == "ok" else on_error(job, status, detail)  # type: ignore[return-value]


def _alone(fn: Callable[[J], R], job: J, timeout: float | None, on_error: OnError[J, R]) -> R:
    """Run one job in a process of its own (after a pool broke: find the job that kills)."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            status, value, detail = pool.submit(_call, fn, job, timeout).result()
        except BrokenProcessPool:
            return on_error(job, "worker-died", "the worker process died (crash or out of memory)")
    return _outcome(job, status, value, detail, on_error)


def run_ordered(
    fn: Callable[[J], R],
    jobs: Iterable[J],
    on_error: OnError[J, R],
    workers: int | None = None,
    timeout: float | None = None,
) -> Iterator[R]:
    """Yield ``fn(job)`` for each job, in order, computed in ``workers`` processes.

    ``fn`` must be a module-level function (it is pickled by reference) and its
    results picklable. A failed job yields ``on_error(job, reason, detail)``.
    When a worker dies, the pool is replaced and the unfinished jobs rerun one
    process each, so only the job that killed it is lost.
    """
    size = max(1, workers or default_workers())
    source = iter(jobs)
    pending: deque[tuple[J, Future[tuple[str, R | None, str]]]] = deque()
    pool = ProcessPoolExecutor(max_workers=size)
    try:
        while True:
            for job in source:
                pending.append((job, pool.submit(_call, fn, job, timeout)))
                if len(pending) >= 4 * size:
                    break
            if not pending:
                return
            job, future = pending.popleft()
            try:
                status, value, detail = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                unfinished = [(job, future), *pending]
                pending.clear()
                for stuck, fut in unfinished:
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        yield _outcome(stuck, *fut.result(), on_error)
                    else:
                        yield _alone(fn, stuck, timeout, on_error)
                pool = ProcessPoolExecutor(max_workers=size)
                continue
            yield _outcome(job, status, value, detail, on_error)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
