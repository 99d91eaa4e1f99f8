"""``commerce worker``: run scheduled jobs (timers) as they fall due."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer
from rich.text import Text

from commerce_cli.render import make_console, print_error
from commerce_cli.session import DEFAULT_DB, Db, open_store, say
from commerce_core import Commerce, RunReport

__all__ = ["BATCH", "worker"]

#: Timers run per call to ``run_due``, so a stop request waits for at most this many.
BATCH = 100


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by the first Ctrl-C or SIGTERM; a second Ctrl-C interrupts at once."""
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _print_report(commerce: Commerce, report: RunReport) -> None:
    style = "red" if report.failed else "yellow" if report.retried else "green"
    counts = f"done {len(report.done)}, retried {len(report.retried)}, failed {len(report.failed)}"
    say(Text(counts, style=style))
    for label, keys in (("failed", report.failed), ("retried", report.retried)):
        for key in dict.fromkeys(keys):
            timer = commerce.scheduled(key)
            line = Text(f"  {label} ", style=style)
            line.append(key, style="bold")
            if timer is not None and timer.last_error:
                line.append(f"  {timer.last_error}", style="dim")
            make_console().print(line, soft_wrap=True)


def worker(
    db: Db = DEFAULT_DB,
    once: Annotated[bool, typer.Option("--once", help="Run due jobs once and exit.")] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=0.01, help="Seconds between runs.")
    ] = 1.0,
) -> None:
    """Run scheduled jobs (timers) as they fall due; Ctrl-C stops after the current batch."""
    with open_store(db) as (commerce, _):
        if once:
            _print_report(commerce, commerce.run_due())
            return
        try:
            with _stop_on_signals() as stop:
                say(Text(f"Worker running every {interval:g}s; Ctrl-C to stop.", style="dim"))
                commerce.work(
                    interval=interval,
                    batch=BATCH,
                    stop=stop.is_set,
                    sleep=stop.wait,
                    on_report=lambda report: _print_report(commerce, report),
                    on_error=print_error,
                )
        except KeyboardInterrupt:
            pass
        say(Text("Worker stopped.", style="dim"))
