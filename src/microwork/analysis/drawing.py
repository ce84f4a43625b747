"""Drawing a chart's static figure (SVG, and a PNG rasterised from it) with vl-convert, here or in a drawing service.

vl-convert starts a JavaScript engine in each process at its first drawing: most of a second of processor time,
paid again by every chapter's kernel, where each later drawing takes a few hundredths. While a build (or a
``microwork run`` of several values) goes on, one *drawing service* process pays it once and draws for every kernel:
:func:`draw` sends it the spec when :data:`SERVICE_VARIABLE` names its socket, and draws here otherwise (plain
``papermill``, ``jupyter-book build .``, or a service that cannot be reached). Both use the same vl-convert on the
same spec, so a figure is the same file either way (tests/test_warm.py); a spec vl-convert refuses is refused either
way, with vl-convert's message.

The service's loop is :func:`serve`; the build starts and stops it (:mod:`microwork.pipeline.warm`).
"""

from __future__ import annotations

import base64
import json
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass

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


def draw(spec: Mapping, number_locale: Mapping | None = None, time_locale: Mapping | None = None) -> Drawing:
    """Draw ``spec`` (see :func:`draw_here`), by the drawing service when one runs (see the module), here otherwise."""
    path = os.environ.get(SERVICE_VARIABLE)
    if path:
        try:
            reply = json.loads(exchange(path, json.dumps(request(spec, number_locale, time_locale)).encode()))
        except (OSError, ValueError):  # no service (ended, unreachable, silent too long): draw here, the same figure
            reply = None
        if reply is not None:
            return drawing_from(reply)
    return draw_here(spec, number_locale, time_locale)


def request(spec: Mapping, number_locale: Mapping | None, time_locale: Mapping | None) -> dict:
    """What :func:`draw` sends the service."""
    return {"spec": spec, "number": number_locale, "time": time_locale}


def answer(message: bytes, drawer: Callable[..., Drawing] = draw_here) -> bytes:
    """The service's answer to one request: the drawing, or vl-convert's refusal; never an exception."""
    try:
        asked = json.loads(message)
        drawn = drawer(asked["spec"], asked.get("number"), asked.get("time"))
    except DrawingError as error:
        return json.dumps({"error": str(error)}).encode()
    except (ValueError, KeyError, TypeError) as error:
        return json.dumps({"error": f"not a drawing request: {error}"}).encode()
    return json.dumps({"svg": drawn.svg, "png": base64.b64encode(drawn.png).decode("ascii")}).encode()


def drawing_from(reply: Mapping) -> Drawing:
    """The drawing the service answered, or its refusal raised as :class:`DrawingError`."""
    if "error" in reply:
        raise DrawingError(reply["error"])
    return Drawing(reply["svg"], base64.b64decode(reply["png"]))


def exchange(path: str, message: bytes) -> bytes:
    """Send ``message`` to the Unix socket ``path`` and return all it answers."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(WAIT_SECONDS)
        connection.connect(path)
        connection.sendall(message)
        connection.shutdown(socket.SHUT_WR)
        return receive(connection)


def receive(connection: socket.socket) -> bytes:
    """Everything the other end sends until it shuts its side down."""
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


WARM_UP = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}


def serve(listener: socket.socket) -> None:
    """The drawing service: start vl-convert's engine, then answer each connection to ``listener`` (a request in,
    :func:`answer` out), one at a time, until the process is ended. Requests that come during the start wait for it."""
    draw_here(WARM_UP)
    while True:
        try:
            connection, _ = listener.accept()
        except InterruptedError:
            continue
        with connection:
            connection.settimeout(WAIT_SECONDS)
            try:
                connection.sendall(answer(receive(connection)))
            except OSError:  # the kernel went away or stopped sending before its answer: the next one is served
                pass
