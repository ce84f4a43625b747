"""Drawing a chart's static figure (SVG, and a PNG rasterised from it) with vl-convert, here or in a drawing service.

vl-convert starts a JavaScript engine in each process at its first drawing: most of a second of processor time,
paid again by every chapter's kernel, where each later drawing takes a few hundredths. While a build (or a
``microwork run``) goes on, *drawing service* processes pay it once each and draw for every kernel, when
:data:`SERVICE_VARIABLE` names their sockets (joined by ``os.pathsep``: one engine draws one figure at a time, so a
kernel hands its figures to each service in turn); otherwise (plain ``papermill``, ``jupyter-book build .``) each figure is
drawn here. Both use the same vl-convert on the same spec, so a figure is the same file either way
(tests/test_warm.py); a spec vl-convert refuses is refused either way, with vl-convert's message.

Two requests draw:

- :func:`draw` asks for a drawing and waits for it (the French figures of the build);
- :func:`draw_into` asks the service to write a chapter's figure files and goes on at once: the kernel's next cells
  run while the service draws. Whoever ran the chapter then calls :func:`finished` for the chapter's figure folder,
  which returns once the service has written every file asked for there, and raises the refusals it met.

The service's loop is :func:`serve`; the build starts and stops it (:mod:`microwork.pipeline.warm`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import os
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import vl_convert as vlc

# Set in the environment while a drawing service runs: the path of its socket.
SERVICE_VARIABLE = "MICROWORK_DRAWING"
# The PNG's pixels per SVG pixel: sharp on a phone's screen and in print.
PNG_SCALE = 2
# How long one side waits for the other: a kernel for its drawing (then it draws the figure itself), the service for
# a request (then it serves the next).
WAIT_SECONDS = 120


@dataclass(frozen=True)
class Drawing:
    """A chart drawn: its SVG text and the PNG rasterised from it."""

    svg: str
    png: bytes


class DrawingError(ValueError):
    """vl-convert could not draw a spec (its message, as it gave it)."""


def draw_here(spec: Mapping, number_locale: Mapping | None = None, time_locale: Mapping | None = None) -> Drawing:
    """Draw ``spec`` in this process (with the number and date formats of ``number_locale`` and ``time_locale``,
    d3's locale objects; vl-convert's own, English, when None)."""
    try:
        svg = vlc.vegalite_to_svg(dict(spec), format_locale=number_locale, time_format_locale=time_locale)
    except ValueError as error:
        raise DrawingError(str(error)) from None
    return Drawing(svg, vlc.svg_to_png(svg, scale=PNG_SCALE))


def services() -> list[str]:
    """The sockets of the drawing services that run for this process (none when none runs)."""
    return [path for path in os.environ.get(SERVICE_VARIABLE, "").split(os.pathsep) if path]


def service() -> str | None:
    """The socket of the first drawing service, when one runs for this process."""
    return next(iter(services()), None)


# The figures this process has handed to the services: each goes to the next service in turn.
HANDED = itertools.count()


def draw(spec: Mapping, number_locale: Mapping | None = None, time_locale: Mapping | None = None) -> Drawing:
    """Draw ``spec`` (see :func:`draw_here`), by the drawing service when one runs (see the module), here otherwise."""
    if path := service():
        try:
            reply = json.loads(exchange(path, encoded(request(spec, number_locale, time_locale))))
        except (OSError, ValueError):  # no service (ended, unreachable, silent too long): draw here, the same figure
            reply = None
        if reply is not None:
            return drawing_from(reply)
    return draw_here(spec, number_locale, time_locale)


def drawn_once(spec: Mapping, number_locale: Mapping | None, time_locale: Mapping | None,
               cache: Path | None) -> Drawing:
    """:func:`draw`, kept in the folder ``cache`` by the hash of what it is drawn from (the spec, the locales and
    vl-convert's version): a build that renders the same chart again reads its files instead."""
    if cache is None:
        return draw(spec, number_locale, time_locale)
    asked = {**request(spec, number_locale, time_locale), "vl-convert": vlc.__version__, "scale": PNG_SCALE}
    key = hashlib.sha256(json.dumps(asked, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    svg, png = cache / f"{key}.svg", cache / f"{key}.png"
    if svg.is_file() and png.is_file():
        return Drawing(svg.read_text(encoding="utf-8"), png.read_bytes())
    drawn = draw(spec, number_locale, time_locale)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        cache.mkdir(parents=True, exist_ok=True)
        for path, write_one in ((png, lambda p: p.write_bytes(drawn.png)),
                                (svg, lambda p: p.write_text(drawn.svg, encoding="utf-8"))):
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            write_one(temporary)
            temporary.replace(path)
    return drawn


def draw_into(spec: Mapping, svg: Path, png: Path) -> None:
    """Write the drawing of ``spec`` into the files ``svg`` and ``png``: by a drawing service (the next in turn),
    without waiting for it, when one runs (then :func:`finished` must be called for their folder); here otherwise."""
    if paths := services():
        try:
            send(paths[next(HANDED) % len(paths)],
                 encoded({**request(spec, None, None), "svg": str(svg.resolve()), "png": str(png.resolve())}))
            return
        except OSError:  # no service to take it: drawn here
            pass
    write(draw_here(spec), svg, png)


def finished(folder: Path) -> None:
    """Return once every drawing service has written every figure asked of it in ``folder`` (at once when no service
    runs); raise :class:`DrawingError` with the figures they could not draw, or when one ended before drawing them."""
    errors = []
    for path in services():
        try:
            reply = json.loads(exchange(path, encoded({"finished": str(folder.resolve())})))
        except (OSError, ValueError) as error:
            raise DrawingError(f"the drawing service ended before drawing the figures of {folder}: {error}") from None
        errors += reply.get("errors", [])
    if errors:
        raise DrawingError("\n".join(errors))


def write(drawn: Drawing, svg: Path, png: Path) -> None:
    """Write a drawing into its two files."""
    svg.write_text(drawn.svg, encoding="utf-8")
    png.write_bytes(drawn.png)


def request(spec: Mapping, number_locale: Mapping | None, time_locale: Mapping | None) -> dict:
    """What the service is sent to draw ``spec``."""
    return {"spec": spec, "number": number_locale, "time": time_locale}


def encoded(message: Mapping) -> bytes:
    """A request as sent (JSON, UTF-8)."""
    return json.dumps(message, ensure_ascii=False).encode("utf-8")  # NaN as JSON's NaN: read back as the same float


def drawing_from(reply: Mapping) -> Drawing:
    """The drawing the service answered, or its refusal raised as :class:`DrawingError`."""
    if "error" in reply:
        raise DrawingError(reply["error"])
    return Drawing(reply["svg"], base64.b64decode(reply["png"]))


def connected(path: str) -> socket.socket:
    """A connection to the Unix socket ``path`` that waits at most :data:`WAIT_SECONDS` for the other side."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.settimeout(WAIT_SECONDS)
        connection.connect(path)
    except OSError:
        connection.close()
        raise
    return connection


def send(path: str, message: bytes) -> None:
    """Send ``message`` to the Unix socket ``path`` and go on (the other side reads it when it comes to it)."""
    with connected(path) as connection:
        connection.sendall(message)
        connection.shutdown(socket.SHUT_WR)


def exchange(path: str, message: bytes) -> bytes:
    """Send ``message`` to the Unix socket ``path`` and return all it answers."""
    with connected(path) as connection:
        connection.sendall(message)
        connection.shutdown(socket.SHUT_WR)
        return receive(connection)


def receive(connection: socket.socket) -> bytes:
    """Everything the other end sends until it shuts its side down."""
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class Service:
    """What the drawing service keeps between requests: the refusals met while writing figures, by folder, until
    :func:`finished` asks for them."""

    drawer: Callable[..., Drawing] = draw_here
    refusals: dict[str, list[str]] = field(default_factory=dict)

    def answer(self, message: bytes) -> bytes:
        """The answer to one request (see the module); never an exception."""
        try:
            asked = json.loads(message)
            if "finished" in asked:
                return json.dumps({"errors": self.refusals.pop(str(asked["finished"]), [])}).encode()
            drawn = self.drawer(asked["spec"], asked.get("number"), asked.get("time"))
            if "svg" in asked:
                write(drawn, Path(asked["svg"]), Path(asked["png"]))
                return b""
        except DrawingError as error:
            if isinstance(asked, dict) and "svg" in asked:
                self.refuse(Path(asked["svg"]), str(error))
                return b""
            return json.dumps({"error": str(error)}).encode()
        except OSError as error:  # a figure's file that cannot be written
            self.refuse(Path(asked["svg"]), f"cannot write it: {error}")
            return b""
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            return json.dumps({"error": f"not a drawing request: {error}"}).encode()
        return json.dumps({"svg": drawn.svg, "png": base64.b64encode(drawn.png).decode("ascii")}).encode()

    def refuse(self, svg: Path, message: str) -> None:
        """Keep a refusal for the folder of the figure ``svg``, named by the figure."""
        self.refusals.setdefault(str(svg.parent), []).append(f"figure {svg.stem!r}: {message}")


def connections(listener: socket.socket) -> Iterator[socket.socket]:
    """Each connection made to ``listener``, in the order they came, for ever (a signal that interrupts the wait is
    waited through)."""
    while True:
        try:
            connection, _ = listener.accept()
        except InterruptedError:
            continue
        yield connection


WARM_UP = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}


def serve(listener: socket.socket, start_now: bool = True) -> None:
    """The drawing service: start vl-convert's engine (at once when ``start_now``, else at the first drawing), then
    answer each connection to ``listener`` (a request in, :meth:`Service.answer` out), one at a time, in the order
    they came, until the process is ended: a :func:`finished` request is answered after every drawing asked before
    it. Requests that come during the start wait for it."""
    if start_now:
        draw_here(WARM_UP)
    kept = Service()
    for connection in connections(listener):
        with connection:
            connection.settimeout(WAIT_SECONDS)
            try:
                connection.sendall(kept.answer(receive(connection)))
            except OSError:  # the other side went away or stopped sending before its answer: the next one is served
                pass
