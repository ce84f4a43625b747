"""Kernels that start warm: each chapter's kernel is forked from a parent that has already imported what chapters use.

A cold Jupyter kernel pays, before the first line of a chapter, an interpreter start and the imports of pandas,
Altair, vl-convert, IPython's kernel and the book's package: most of a short chapter's time, paid again by every
chapter. During a build, :func:`warm_kernels` starts one *kernel parent* (``python -m microwork.pipeline.warm kernels``),
which imports :data:`PRELOADED` once and then waits on a Unix socket. The kernel manager of the build
(:func:`microwork.pipeline.execute.ipc_kernel_manager`) asks it for each chapter's kernel instead of starting a new
interpreter; the parent forks, and the child becomes an ordinary IPython kernel with the command line, working
folder and environment the manager gave (papermill and nbclient drive it as usual).

Each chapter still has a process of its own: a fresh namespace, and modules it may change in its own copy only
(forked memory is copied on write), so no chapter sees another's variables or changes. The parent runs no chapter
code and never forks a child from a child. Outputs, cache keys and the executed notebooks are the same as with cold
kernels (tests/test_warm.py). Without the parent (plain ``papermill``, ``jupyter-book build .``), or when the
parent cannot give a kernel, kernels start cold, as before.

The parent dies with the build (PR_SET_PDEATHSIG) and each kernel with the parent; the parent reaps its children,
so that a finished kernel is seen as finished.

The build's other helper processes are the *drawing services* (:func:`drawing_service`; a build starts
:data:`BUILD_DRAWING_SERVICES` of them, a run :data:`DRAWING_SERVICES`; the loop of
:mod:`microwork.analysis.drawing`): each starts vl-convert once and draws chapters' static figures, where each
kernel would otherwise start vl-convert's JavaScript engine for its own first figure. They cannot live in the kernel
parent: vl-convert runs threads, and a process that forks must have none. All helpers start at once
(:func:`helpers`): their starts overlap.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from ..analysis import charts, drawing, language
from ..analysis.drawing import connections, receive
from .children import die_with_parent

# What the parent imports before it forks: what every chapter imports first, and IPython's kernel.
# The kernel's own modules are most of a kernel's start once the rest is imported: ipykernel.debugger alone (debugpy)
# takes a quarter of a second. None of these starts a thread.
PRELOADED = ("numpy", "pandas", "altair", "vl_convert", "papermill", "ipykernel.kernelapp", "ipykernel.ipkernel",
             "ipykernel.zmqshell", "ipykernel.debugger", "IPython", "myst_nb",
             "microwork.analysis.book", "microwork.analysis.charts", "microwork.analysis.data",
             "microwork.analysis.params", "microwork.analysis.language")
# Set in the build's environment while the parent runs: the path of its socket.
SOCKET_VARIABLE = "MICROWORK_WARM_KERNELS"
READY = b"ready\n"
def kernel_arguments(command: list[str]) -> list[str] | None:
    """The arguments of an IPython kernel command (``python -m ipykernel_launcher -f FILE`` gives ``-f FILE``), or
    None when ``command`` starts another kernel, which the parent cannot give."""
    for module in ("ipykernel_launcher", "ipykernel"):
        if len(command) >= 3 and command[1:3] == ["-m", module]:
            return command[3:]
    return None


def reap(signum: int, frame: Any) -> None:
    """SIGCHLD in the parent: collect every finished kernel (a zombie would look alive to its manager)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def become_kernel(request: dict[str, Any]) -> None:
    """In a forked child: become the kernel ``request`` asks for (its arguments, folder and environment); never
    returns."""
    code = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's (:func:`end_removing_folder`) is not the kernel's
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # blocked by the parent while it forked
        die_with_parent()
        os.setsid()  # a process group of its own: the manager signals the group, as with a cold kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        for stream, target in ((1, request.get("stdout")), (2, request.get("stderr"))):
            os.dup2(os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT) if target else null, stream)
        sys.argv = [sys.executable, *request["args"]]
        sys.path[0] = request["cwd"]  # what `python -m ipykernel_launcher` started there would have
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["args"])
        code = 0
    except BaseException:  # a kernel that cannot start says why in its log, as a cold one would
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def listening(path: str) -> socket.socket:
    """A Unix socket bound to ``path``, listening (the requests that wait are taken in the order they came)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    return listener


def say_ready() -> None:
    """Tell the process that started this one that it may send requests."""
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()


def warm_up() -> None:
    """Work every chapter does first, the same way, done once in the parent: nbformat compiles its notebook schema
    (papermill reads a chapter's parameters through it), Babel reads each edition's locale data, and a first chart
    (made on two rows of its own) is checked against Vega-Lite's schema (Altair loads the schema and compiles the
    patterns it reads encodings with). No data file is read here: what a chapter reads, it reads itself, logged."""
    nbformat.validate(nbformat.v4.new_notebook())
    for edition in language.LANGUAGES:
        language.and_between(edition)
    charts.spec_of(charts.horizontal_bars(pd.DataFrame({"label": ["a", "b"], "count": [1, 2]}), "label", "count",
                                          "A first chart", "count"))


def end_removing_folder(path: str) -> None:
    """In a helper: on SIGTERM (the build stopping it, or dying: :func:`die_with_parent`), remove the folder of its
    socket ``path``, then end as SIGTERM ends a process. A build that is killed cannot remove that folder itself."""
    folder = Path(path).parent

    def end(signum: int, frame: Any) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, end)


def serve(path: str) -> None:
    """The kernel parent: import :data:`PRELOADED`, say ready on stdout, then fork one kernel per request on the
    Unix socket ``path`` (a JSON request, answered with the child's pid) until the build ends."""
    end_removing_folder(path)
    die_with_parent(signal.SIGTERM)
    # debugpy checks, at import, how Python was started and warns on the build's output; a cold kernel's warning goes
    # to its own log, and the check changes nothing else.
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    for name in PRELOADED:
        importlib.import_module(name)
    warm_up()
    signal.signal(signal.SIGCHLD, reap)
    listener = listening(path)
    say_ready()
    for connection in connections(listener):
        with connection:
            try:
                request = json.loads(receive(connection))
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # until the kernel has its own handler
                try:
                    pid = os.fork()
                    if pid == 0:
                        listener.close()
                        connection.close()
                        become_kernel(request)
                finally:
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
                connection.sendall(json.dumps({"pid": pid}).encode())
            except Exception:  # one request that fails (a worker gone, no memory to fork) ends only itself: its
                traceback.print_exc()  # manager starts that kernel cold, and the other kernels run on


def serve_drawings(path: str, start_now: bool = True) -> None:
    """The drawing service (:func:`microwork.analysis.drawing.serve`) on the Unix socket ``path``: ready as soon as
    it listens (a drawing asked while vl-convert starts waits for it), ended with the build. Its engine starts at
    once, or at its first drawing unless ``start_now``."""
    end_removing_folder(path)
    die_with_parent(signal.SIGTERM)
    listener = listening(path)
    say_ready()
    drawing.serve(listener, start_now)


def request_kernel(path: str, args: list[str], cwd: str, env: dict[str, str], stderr: str | None = None) -> int:
    """Ask the parent listening on ``path`` for a kernel started with ``args`` in ``cwd`` with ``env``; return its
    pid."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(path)
        connection.sendall(json.dumps({"args": args, "cwd": cwd, "env": env, "stderr": stderr}).encode())
        connection.shutdown(socket.SHUT_WR)
        return int(json.loads(receive(connection))["pid"])


class ForkedKernel:
    """The parts of :class:`subprocess.Popen` a kernel provisioner uses, for a kernel the parent forked (not a child
    of this process: it is watched through ``/proc`` and signalled by pid)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """None while the kernel runs; 0 once it has ended (its real status went to the parent)."""
        if self.returncode is None and not running(self.pid):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to end (at most ``timeout`` seconds)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def running(pid: int) -> bool:
    """Whether the process ``pid`` exists and has not ended (a zombie has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class Helper:
    """One helper process of a build: the kernel parent (``role="kernels"``) or a drawing service
    (``role="drawings"``), listening on a Unix socket of its own (:attr:`path`). :func:`helpers` starts and stops
    them and puts their sockets in the environment under ``variable``, where the build's workers and the kernels they
    start find them."""

    def __init__(self, role: str, variable: str) -> None:
        self.role, self.variable = role, variable
        self.folder = tempfile.TemporaryDirectory(prefix=f"microwork-{role}-")
        self.path = str(Path(self.folder.name) / f"{role}.sock")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the process (in its own empty folder: what the build's folder holds is not importable by the
        chapters' kernels); :meth:`wait_ready` waits until it listens."""
        self.process = subprocess.Popen([sys.executable, "-m", "microwork.pipeline.warm", self.role, self.path],
                                        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=self.folder.name)

    def wait_ready(self) -> None:
        """Return once the process listens; raise :class:`RuntimeError` if it ended or said something else."""
        assert self.process is not None and self.process.stdout is not None
        ready = self.process.stdout.readline()
        if ready != READY:
            raise RuntimeError(f"the {ROLES[self.role]} did not start (it said {ready!r})")

    def stop(self) -> None:
        """End the process (asked, then killed after five seconds) and remove its folder."""
        if self.process is not None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        self.folder.cleanup()


class Helpers:
    """Helper processes started together on entering this block (their starts overlap each other and whatever the
    block does next), stopped on leaving it, and if any cannot start. :meth:`ready` waits until each listens and
    puts their sockets in the environment (each variable naming its helpers' sockets, joined by ``os.pathsep``)."""

    def __init__(self, *wanted: Helper) -> None:
        self.wanted = wanted
        self.variables = {helper.variable for helper in wanted}

    def __enter__(self) -> Helpers:
        try:
            for helper in self.wanted:
                helper.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def ready(self) -> list[str]:
        """Wait until every helper listens; return their sockets, now in the environment."""
        for helper in self.wanted:
            helper.wait_ready()
        for variable in self.variables:
            os.environ[variable] = os.pathsep.join(h.path for h in self.wanted if h.variable == variable)
        return [helper.path for helper in self.wanted]

    def __exit__(self, *exc: object) -> None:
        for variable in self.variables:
            os.environ.pop(variable, None)
        for helper in self.wanted:
            helper.stop()


@contextlib.contextmanager
def helpers(*wanted: Helper) -> Iterator[list[str]]:
    """Within this block the ``wanted`` helpers run and listen (:class:`Helpers`, ready); yield their sockets."""
    with Helpers(*wanted) as started:
        yield started.ready()


# What each helper is (for messages), and its loop.
ROLES = {"kernels": "kernel parent", "drawings": "drawing service", "drawings-when-asked": "drawing service"}
LOOPS = {"kernels": serve, "drawings": serve_drawings,
         "drawings-when-asked": functools.partial(serve_drawings, start_now=False)}


def kernel_parent() -> Helper:
    """The kernel parent, not started yet."""
    return Helper("kernels", SOCKET_VARIABLE)


def warm_kernels() -> contextlib.AbstractContextManager[list[str]]:
    """``with warm_kernels():`` the kernels started inside start warm (see the module), from the parent already
    running for this process if there is one (a build starts it with the drawing services: :func:`build_helpers`)."""
    if running_parent := os.environ.get(SOCKET_VARIABLE):
        return contextlib.nullcontext([running_parent])
    return helpers(kernel_parent())


# How many drawing services a run starts: vl-convert draws one figure at a time per process, and a run's kernel and
# its French pass ask for figures at the same time, which a reviewer waits for.
DRAWING_SERVICES = 2
# A build starts one: its kernels leave their figures to the service and go on, and its thirty figures keep one
# service busy for a fraction of the chapters' time, while a second engine's start costs a second of processor time
# that the chapters and the renders need (measured: a cold build 0.9 s faster with one, medians of three).
BUILD_DRAWING_SERVICES = 1


def drawing_services(start_now: bool = True, count: int = DRAWING_SERVICES) -> list[Helper]:
    """``count`` drawing services, not started yet; their engines start at once, or at their first drawing unless
    ``start_now`` (a build that may draw nothing: nothing to execute, no French figure to draw)."""
    return [Helper("drawings" if start_now else "drawings-when-asked", drawing.SERVICE_VARIABLE)
            for _ in range(count)]


def drawing_service() -> contextlib.AbstractContextManager[list[str]]:
    """``with drawing_service():`` the charts drawn inside, by the kernels started inside or by this process, are drawn
    by the drawing services (:data:`DRAWING_SERVICES` processes that each started vl-convert once;
    :mod:`microwork.analysis.drawing`)."""
    return helpers(*drawing_services())


def warm_start() -> contextlib.AbstractContextManager[list[str]]:
    """``with warm_start():`` kernels that start warm and charts drawn by the drawing services, all started at once
    (what a run of several chapters, or of one chapter several times, gains from)."""
    return helpers(*drawing_services(), kernel_parent())


def build_helpers(kernels: bool = True) -> Helpers:
    """The helpers of a build, to start as the build begins: they start while the build checks the data and the
    catalogs, and :meth:`Helpers.ready` waits for them after. When every chapter will run (``kernels``), the kernel
    parent too, and the drawing services start their engines at once; otherwise the services start their engines at
    their first drawing, and :func:`warm_kernels` starts the parent if chapters are executed: a build that changes
    nothing, or fails its checks, pays for neither."""
    return Helpers(*drawing_services(start_now=kernels, count=BUILD_DRAWING_SERVICES),
                   *([kernel_parent()] if kernels else []))


if __name__ == "__main__":
    LOOPS[sys.argv[1]](sys.argv[2])
