"""``commerce worker``: run scheduled jobs (timers) as they fall due.

Every line it prints starts with a UTC timestamp from the store's clock, so a log of a
long-running worker says when each batch ran.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer
from rich.text import Text

from commerce_cli.render import make_console
from commerce_cli.session import DEFAULT_DB, Db, open_store
from commerce_core import Commerce, CommerceError, RunReport

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


def _log(commerce: Commerce, line: Text | str, *, stderr: bool = False) -> None:
    """Print one log line, stamped with the store clock's UTC time."""
    stamp = commerce.clock.now().isoformat(timespec="seconds").replace("+00:00", "Z")
    text = Text(f"{stamp} ", style="dim")
    text.append(line)
    make_console(stderr=stderr).print(text, soft_wrap=True)


def _print_report(commerce: Commerce, report: RunReport) -> None:
    style = "red" if report.failed else "yellow" if report.retried else "green"
    counts = f"done {len(report.done)}, retried {len(report.retried)}, failed {len(report.failed)}"
    _log(commerce, Text(counts, style=style))
    for label, keys in (("failed", report.failed), ("retried", report.retried)):
        for key in dict.fromkeys(keys):
            timer = commerce.scheduled(key)
            line = Text(f"  {label} ", style=style)
            line.append(key, style="bold")
            if timer is not None and timer.last_error:
                line.append(f"  {timer.last_error}", style="dim")
            _log(commerce, line)


def _print_error(commerce: Commerce, exc: CommerceError) -> None:
    line = Text(f"error [{exc.code}]: ", style="bold red")
    line.append(exc.message, style="red")
    _log(commerce, line, stderr=True)


def worker(
    db: Db = DEFAULT_DB,
    once: Annotated[
        bool,
        typer.Option("--once", help="Run due jobs once and exit (status 1 if any of them failed)."),
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=0.01, help="Seconds between runs.")
    ] = 1.0,
) -> None:
    """Run scheduled jobs (timers) as they fall due; Ctrl-C stops after the current batch."""
    with open_store(db) as (commerce, _):
        if once:
            report = commerce.run_due()
            _print_report(commerce, report)
            if report.failed:
                raise typer.Exit(1)
            return
        try:
            with _stop_on_signals() as stop:
                _log(commerce, f"Worker running every {interval:g}s; Ctrl-C to stop.")
                commerce.work(
                    interval=interval,
                    batch=BATCH,
                    stop=stop.is_set,
                    sleep=stop.wait,
                    on_report=lambda report: _print_report(commerce, report),
                    on_error=lambda exc: _print_error(commerce, exc),
                )
        except KeyboardInterrupt:
            pass
        _log(commerce, "Worker stopped.")
