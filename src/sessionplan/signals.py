"""Stopping a solve cleanly, and finishing a write, whatever signal arrives.

``solve_model`` runs CP-SAT in a worker thread and turns a ``KeyboardInterrupt`` in the
main thread into ``stop_search()``: the best schedule so far is returned (status
``feasible``, ``interrupted``) and written. :func:`stop_on_signals` makes SIGTERM (what
``kill``, systemd, CI runners and container stops send) behave exactly like Ctrl-C.
:func:`deferred_signals` holds SIGINT and SIGTERM back while outputs are written, so
that a schedule found is never lost to an impatient second Ctrl-C (the command ends as
soon as the files are complete). SIGKILL cannot be caught: the atomic writes (``io.atomic``)
ensure it leaves complete files or none.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

HANDLED = (signal.SIGINT, signal.SIGTERM)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt in the main thread (no-op elsewhere)."""
    with _handlers(_interrupt):
        yield


@contextmanager
def deferred_signals() -> Iterator[list[int]]:
    """Record SIGINT/SIGTERM instead of acting on them, so that the block completes.

    Yields the list of signals received; the command then ends as it would anyway.
    """
    received: list[int] = []

    def record(signum, frame) -> None:
        received.append(signum)

    with _handlers(record):
        yield received


@contextmanager
def _handlers(handler, signals: tuple[int, ...] = HANDLED) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # a signal ignored by whoever started us (nohup, a background job) stays ignored
    previous = {s: h for s in signals if (h := signal.getsignal(s)) is not signal.SIG_IGN}
    for s in previous:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)


@contextmanager
def held() -> Iterator[None]:
    """SIGINT, SIGTERM and the time limit's alarm wait until the block is done, then act
    as they would have (the first of them, once): for imports, which an interruption
    leaves half-initialised (their submodules stay loaded and the next import fails)."""
    wanted = (*HANDLED, *((signal.SIGALRM,) if hasattr(signal, "SIGALRM") else ()))
    previous: dict[int, Any] = {s: signal.getsignal(s) for s in wanted}
    pending: list[tuple[int, Any]] = []

    def record(signum, frame) -> None:
        pending.append((signum, frame))

    with _handlers(record, wanted):
        yield
    if pending:
        signum, frame = pending[0]
        handler = previous[signum]
        if callable(handler):
            handler(signum, frame)
        elif handler == signal.SIG_DFL and signum in HANDLED:
            raise KeyboardInterrupt(signal.Signals(signum).name)


class TimeUp:
    """Whether the command's time limit ran out (see :func:`time_limit_alarm`)."""

    def __init__(self) -> None:
        self.fired = False


_alarms: list[TimeUp] = []


def search_begins() -> None:
    """Called as CP-SAT's search starts: from here on its own time limit governs, and a
    schedule may exist, so the alarm of :func:`time_limit_alarm` is called off."""
    if _alarms and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextmanager
def time_limit_alarm(seconds: float) -> Iterator[TimeUp]:
    """At ``seconds`` from now, act as a Ctrl-C would, unless the search has begun by then
    (:func:`search_begins`): whatever runs before it (reading a huge workbook, the cheap
    checks, the construction, the similarity, building the model) is stopped the way a
    signal stops it, so that the command keeps its time limit even where no part of it
    looks at the clock. Yields a :class:`TimeUp` whose ``fired`` says whether it went off.
    No-op outside the main thread or where SIGALRM does not exist."""
    state = TimeUp()
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield state
        return

    def ring(signum, frame) -> None:
        state.fired = True
        raise KeyboardInterrupt("time limit")

    previous = signal.signal(signal.SIGALRM, ring)
    _alarms.append(state)
    signal.setitimer(signal.ITIMER_REAL, max(0.001, seconds))
    try:
        yield state
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _alarms.remove(state)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
