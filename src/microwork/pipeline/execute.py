"""Execute one chapter notebook with papermill, and read back what it glued."""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analysis import drawing
from ..analysis.charts import FIGURE_DIR
from . import warm

READ_LOG = "data-files-read.log"


def ipc_kernel_manager() -> type:
    """A kernel manager whose kernels talk over local IPC sockets instead of TCP ports, and start warm during a build.

    Two chapters starting their kernels at the same moment could pick the same free TCP port
    ("Kernel died before replying to kernel_info"); IPC socket files are unique per kernel. While the build's kernel
    parent runs (:mod:`microwork.pipeline.warm`), an IPython kernel is forked from it, its imports done; otherwise
    it starts cold, as Jupyter starts it.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(transport="ipc", **kwargs)
            self.client_factory = ready_without_lingering()

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            parent, args = os.environ.get(warm.SOCKET_VARIABLE), warm.kernel_arguments(kernel_cmd)
            if not parent or args is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            provisioner = self.provisioner
            try:
                pid = warm.request_kernel(parent, args, str(kw.get("cwd") or os.getcwd()),
                                          dict(kw.get("env") or os.environ), stderr=log_of_this_process())
            except (OSError, ValueError, KeyError):  # the parent is gone or could not fork: a cold kernel instead
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            provisioner.process, provisioner.pid, provisioner.pgid = warm.ForkedKernel(pid), pid, pid
            provisioner.cwd = kw.get("cwd") or os.getcwd()
            self._reconcile_connection_info(provisioner.connection_info)

    return IPCKernelManager


@functools.cache
def ready_without_lingering() -> type:
    """A kernel client that, once the kernel has answered ``kernel_info`` and IOPub is connected, drops only the IOPub
    messages already there. Jupyter's client then waits 0.2 s more for messages that may still come, on every
    chapter; none can matter, as nbclient keeps only the messages that answer the cells it sends."""
    from queue import Empty

    from jupyter_client.asynchronous.client import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while not await self.answered_kernel_info():
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            with contextlib.suppress(Empty):
                while True:
                    await self.iopub_channel.get_msg(timeout=0)

        async def answered_kernel_info(self) -> bool:
            """Ask for ``kernel_info``; whether the kernel answered within a second, with IOPub connected."""
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
                if reply["msg_type"] != "kernel_info_reply":
                    return False
                await self.iopub_channel.get_msg(timeout=0.2)  # the kernel's status on IOPub: it is connected
            except Empty:
                return False
            self._handle_kernel_info_reply(reply)
            return True

    return ReadyClient


def log_of_this_process() -> str | None:
    """The file this process writes its errors to (a chapter's kernel.log during a build), if it is a file: a warm
    kernel writes its own there, as a cold one inherits it."""
    with contextlib.suppress(OSError):
        target = os.readlink("/proc/self/fd/2")
        return target if os.path.isfile(target) else None
    return None


@dataclass(frozen=True)
class ChapterFailure:
    """Where and how a chapter failed."""

    chapter: str
    cell: int | None
    error: str
    kept_at: Path | None

    def __str__(self) -> str:
        cell = f" in cell {self.cell}" if self.cell is not None else ""
        kept = f"\n  The executed notebook is kept for inspection: {self.kept_at}" if self.kept_at else ""
        return f"chapter '{self.chapter}' failed{cell}: {self.error}{kept}"


class ChapterError(RuntimeError):
    """Raised when a chapter fails to execute."""

    def __init__(self, failure: ChapterFailure):
        self.failure = failure
        super().__init__(str(failure))


def tag_injected_cell(path: Path) -> None:
    """Hide papermill's injected-parameters cell in the book (the provenance lines show the parameters)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


CHANGED_WHILE_READ = "changed-while-the-chapter-read-it"


def data_files_read(workdir: Path) -> dict[str, str]:
    """The data files the chapter read (logged by :func:`microwork.analysis.data.read_logged`), each with the SHA-256 of
    the bytes it read; a file read twice with different contents gets :data:`CHANGED_WHILE_READ`, which no
    file's hash ever matches (so the next build re-executes the chapter)."""
    log = workdir / READ_LOG
    if not log.is_file():
        return {}
    seen: dict[str, set[str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        sha256, _, path = line.partition("  ")
        if path:
            seen.setdefault(path, set()).add(sha256)
    return {path: hashes.pop() if len(hashes) == 1 else CHANGED_WHILE_READ for path, hashes in sorted(seen.items())}


def execute_chapter(source: Path, workdir: Path, parameters: dict[str, Any], failed_dir: Path,
                    timeout: int | None = None) -> dict[str, str]:
    """Execute ``source`` into ``workdir`` (its working folder); return the data files it read.

    A cell that runs longer than ``timeout`` seconds fails the chapter (no limit when None).

    On failure the executed notebook is copied into ``failed_dir`` and
    :class:`ChapterError` names the chapter, the cell and the error.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    output = workdir / source.name
    os.environ["MICROWORK_READ_LOG"] = str(workdir / READ_LOG)
    saved_stderr = os.dup(2)  # the kernel's own log lines go to kernel.log, not the build's progress output
    with open(workdir / "kernel.log", "ab") as log:
        os.dup2(log.fileno(), 2)
    failure = None
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=parameters or None, cwd=str(workdir),
            kernel_name="python3", progress_bar=False, execution_timeout=timeout, log_output=False, request_save_on_cell_execute=False,
            kernel_manager_class=ipc_kernel_manager(),
        )
    except PapermillExecutionError as error:
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / source.name
        shutil.copyfile(output, kept)
        failure = ChapterFailure(source.stem, error.cell_index, f"{error.ename}: {error.evalue}", kept)
    except Exception as error:  # kernel died, notebook unreadable, ...
        failure = ChapterFailure(source.stem, None, f"{type(error).__name__}: {error}", None)
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.environ.pop("MICROWORK_READ_LOG", None)
    # Whether the chapter ended well or not, nothing is drawn into its folder after this.
    refused = figures_refused(workdir / FIGURE_DIR)
    if failure is None and refused:
        failure = ChapterFailure(source.stem, None, refused, None)
    if failure is not None:
        raise ChapterError(failure)
    tag_injected_cell(output)
    return data_files_read(workdir)


def figures_refused(folder: Path) -> str | None:
    """Wait until the drawing service has written the figures a kernel asked for in ``folder``; what it could not
    draw, if anything (see :func:`microwork.analysis.drawing.finished`)."""
    try:
        drawing.finished(folder)
    except drawing.DrawingError as error:
        return str(error)
    return None


def glued_values(path: Path) -> dict[str, Any]:
    """The values a notebook glued with ``myst_nb.glue``, by name (as Python values where possible)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    values = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook", {})
            if "name" not in record:
                continue
            name = record["name"]
            text = output.get("data", {}).get(record.get("mime_prefix", "") + "text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            try:
                values[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[name] = text
    return values
