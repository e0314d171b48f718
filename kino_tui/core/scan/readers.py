"""Reading folders: each changed folder analysed, in reader processes when there is much
to read (kino's own children, one a core up to four, dying with kino), or here."""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from typing import TYPE_CHECKING, Any, cast

from kino_tui.core.catalog.compact import PackedItem
from kino_tui.core.catalog.storage import dumps, loads
from kino_tui.core.forking import can_fork as _can_fork
from kino_tui.core.forking import end_with_parent
from kino_tui.core.metadata.probe import describe_error
from kino_tui.core.models import MediaItem, Problem, ScanProgress, ScanSummary
from kino_tui.core.naming import is_audio, is_video
from kino_tui.core.scan.analysis import FolderJob, FolderResult, analyse_folder

if TYPE_CHECKING:
    import multiprocessing.process

#: Below this many files to read, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 48
BATCH_FILES = 24
#: A stopped scan waits this long for the batches its workers are reading, then ends them.
STOP_GRACE_SECONDS = 1.5


def run_jobs(
    jobs: list[FolderJob],
    workers: int,
    report: Callable[[ScanProgress], None],
    cancel: threading.Event | None,
    summary: ScanSummary,
    keep_packed: Callable[[list[Any]], bool] | None = None,
) -> list[FolderResult | None]:
    """Each job's result, None for those not read because the scan was stopped (which
    sets ``summary.stopped``). Items read by reader processes whose rows ``keep_packed``
    accepts are kept as rows (see ``core/catalog/compact.py``)."""
    if not jobs:
        return []
    total = sum(files_to_read(job) for job in jobs)
    summary.files_to_read += total
    report(ScanProgress("reading", 0, total))
    results: list[FolderResult | None] = [None] * len(jobs)
    done = 0
    if workers > 1 and total >= PARALLEL_THRESHOLD:
        with contextlib.closing(read_in_workers(jobs, workers, cancel, keep_packed)) as batches:
            for batch, batch_results in batches:
                for index, result in zip(batch, batch_results, strict=True):
                    results[index] = result
                    done += files_to_read(jobs[index])
                report(ScanProgress("reading", done, total, jobs[batch[-1]].path))
    else:
        for index, job in enumerate(jobs):
            if cancel is not None and cancel.is_set():
                break
            results[index] = analyse_safely(job)
            done += files_to_read(job)
            report(ScanProgress("reading", done, total, job.path))
    summary.files_read += done
    if any(result is None for result in results):
        summary.stopped = True
    return results


def files_to_read(job: FolderJob) -> int:
    return sum(1 for entry in job.files if is_video(entry.name) or is_audio(entry.name))


def _batches(jobs: list[FolderJob]) -> list[list[int]]:
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, job in enumerate(jobs):
        current.append(index)
        size += files_to_read(job)
        if size >= BATCH_FILES:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def failed_result(job: FolderJob, error: BaseException | str) -> FolderResult:
    """A folder whose reading failed (``error`` as raised, or in words): its items are
    kept as they were and it is read again next scan."""
    if isinstance(error, str):
        reason = error
    else:  # an unexpected error: its type says most
        text, name = describe_error(error), type(error).__name__
        reason = text if text.startswith(name) else f"{name}: {text}"
    problem = Problem(job.path, f"could not read folder: {reason}")
    return FolderResult(job.path, [], [problem], failed=True)


def analyse_safely(job: FolderJob) -> FolderResult:
    try:
        return analyse_folder(job)
    except Exception as error:  # one odd folder must not stop the scan
        return failed_result(job, error)


def _analyse_batch(jobs: list[FolderJob]) -> list[FolderResult]:
    return [analyse_safely(job) for job in jobs]


@contextlib.contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """Spawning a process hands ``sys.stderr``'s descriptor to multiprocessing's resource
    tracker; in the TUI ``sys.stderr`` is Textual's capture, whose ``fileno()`` is -1, and
    the spawn failed ("bad value(s) in fds_to_keep"). Lend it /dev/null meanwhile."""
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        usable = True  # no descriptor at all: multiprocessing copes with that itself
    if usable:
        yield
        return
    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            yield
        finally:
            sys.stderr = saved


def read_in_workers(
    jobs: list[FolderJob],
    count: int,
    cancel: threading.Event | None,
    keep_packed: Callable[[list[Any]], bool] | None = None,
) -> Generator[tuple[list[int], list[FolderResult]], None, None]:
    """Read the jobs in ``count`` worker processes, batch by batch: each batch's job
    numbers and results as they come. Workers are children of this process (forked when
    no other thread runs, else spawned: no fork server, no lingering helper) and end with
    it however it ends (a parent-death signal, and a check of their parent). When
    ``cancel`` is set, no batch is handed out any more; those being read are waited for a
    moment (:data:`STOP_GRACE_SECONDS`), then their workers are killed."""
    context: Any = multiprocessing.get_context("fork" if _can_fork() else "spawn")
    waiting = _batches(jobs)
    waiting.reverse()  # popped from the end: handed out in order
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    busy: dict[Connection, list[int]] = {}
    stopped_at: float | None = None
    try:
        with _stderr_with_a_descriptor():
            for _ in range(min(count, len(waiting))):
                ours, theirs = context.Pipe()
                process = context.Process(
                    target=_worker, args=(theirs, os.getpid()), daemon=True, name="kino-reader"
                )
                process.start()
                theirs.close()
                workers.append((process, ours))
        idle = [connection for _, connection in workers]

        def hand_out() -> None:
            while idle and waiting and stopped_at is None:
                connection = idle.pop()
                batch = waiting.pop()
                try:
                    connection.send([jobs[i] for i in batch])
                except OSError:  # the worker died while idle: another one takes it
                    waiting.append(batch)
                    continue
                busy[connection] = batch

        while True:
            if stopped_at is None and cancel is not None and cancel.is_set():
                stopped_at = time.monotonic()
            hand_out()
            if not busy:
                if waiting and stopped_at is None:  # every worker died: nobody to read these
                    died = "no reader process left (read again next scan)"
                    for batch in reversed(waiting):
                        yield batch, [failed_result(jobs[i], died) for i in batch]
                break
            if stopped_at is not None and time.monotonic() - stopped_at > STOP_GRACE_SECONDS:
                break  # the batches still being read are not kept
            for ready in wait_for(list(busy), timeout=0.1):
                connection = cast("Connection", ready)
                batch = busy.pop(connection)
                try:
                    data = connection.recv_bytes()
                except (EOFError, OSError):  # the worker died
                    if stopped_at is not None or (cancel is not None and cancel.is_set()):
                        continue  # ended along with kino (a signal to the group): not read
                    died = "its reader process ended unexpectedly (read again next scan)"
                    yield batch, [failed_result(jobs[i], died) for i in batch]
                    continue
                idle.append(connection)
                hand_out()  # its next batch first: it reads while these are unpacked here
                yield batch, decode_results(data, keep_packed)
    finally:
        _end_workers(workers, bool(busy))


def _end_workers(
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]], at_once: bool
) -> None:
    """Tell idle workers to leave, kill the others (or all, ``at_once``), and reap them."""
    for _, connection in workers:
        if not at_once:
            with contextlib.suppress(OSError, ValueError):
                connection.send(None)
        connection.close()
    deadline = time.monotonic() + (0 if at_once else 1.0)
    for process, _ in workers:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.exitcode is None:
            process.kill()
            process.join()


def _worker(connection: Connection, parent: int) -> None:
    """A reader process: batches of jobs in, their results out, until told to stop, its
    pipe closes, or the parent is gone."""
    _end_with_parent(parent)
    for number in (signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_IGN)  # the parent stops the scan and then us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            jobs = connection.recv()
        except (EOFError, OSError):
            return
        if jobs is None:
            return
        connection.send_bytes(encode_results(_analyse_batch(jobs)))


def encode_results(results: list[FolderResult]) -> bytes:
    """A batch's results as they travel from a reader: each item as its catalog row in
    one JSON text (pickling the items cost a reader a seventh of its time, and
    unpickling them the parent as much again)."""
    return dumps(
        [
            [
                result.path,
                [item.to_row() for item in result.items],
                [[problem.path, problem.message] for problem in result.problems],
                result.probed,
                result.failed,
            ]
            for result in results
        ]
    )


def decode_results(
    data: bytes, keep_packed: Callable[[list[Any]], bool] | None = None
) -> list[FolderResult]:
    """The inverse of :func:`encode_results`; the rows ``keep_packed`` accepts stay rows
    (a :class:`PackedItem` each, in ``packed``), the others become items."""
    results = []
    for path, rows, problems, probed, failed in loads(data):
        result = FolderResult(path, [], [Problem(*problem) for problem in problems], probed, failed)
        for row in rows:
            if keep_packed is not None and keep_packed(row):
                # one root and kind text for all (a JSON parse makes one a row)
                row[1], row[3] = sys.intern(row[1]), sys.intern(row[3])
                result.packed.append(PackedItem(row))
            else:
                result.items.append(MediaItem.from_row(row))
        results.append(result)
    return results


def _end_with_parent(parent: int) -> None:
    """Die when ``parent`` dies, whatever kills it: the kernel's parent-death signal on
    Linux, and everywhere a thread that checks the parent every second."""
    end_with_parent(parent)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="kino-parent-watch").start()
