"""A small static web server for the built site that compresses text files with gzip, as a web host does.

Used by bench/lighthouse.py (Lighthouse measures what a reader downloads: without compression the pages would look
several times heavier than on GitHub Pages). It listens on 127.0.0.1 only. Run alone to look at the site:

    .venv/bin/python bench/serve.py _build/html        # prints the address; Ctrl+C stops it
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

# The kinds of file worth compressing (images and fonts are compressed already).
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


def gzipped(path: Path) -> bytes:
    """``path``'s bytes, gzip-compressed at level 6 (what common web servers use). Kept for the next request."""
    return _gzipped(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=512)
def _gzipped(path: Path, mtime: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files of the site; a text file is sent gzip-compressed when the browser accepts it."""

    def send_head(self):  # noqa: D102 (the standard library's hook)
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        if not ("gzip" in self.headers.get("Accept-Encoding", "") and path.is_file() and kind.startswith(COMPRESSIBLE)):
            return super().send_head()  # a folder to redirect, a missing file, an image, a font, or no gzip wanted
        body = gzipped(path)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)

    def log_message(self, format, *args):  # noqa: A002 (the standard library's name): quiet
        pass


class _Body:
    """What ``send_head`` returns: something ``copyfile`` can read, and close."""

    def __init__(self, data: bytes):
        self.data, self.done = data, False

    def read(self, size: int = -1) -> bytes:
        if self.done:
            return b""
        self.done = True
        return self.data

    def close(self) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` with gzip on 127.0.0.1 (a free port) for the duration of the block; yield its base URL."""
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, nargs="?", default=Path("_build/html"), help="the built site (_build/html)")
    args = parser.parse_args()
    with serve(args.site.resolve()) as url:
        print(f"serving {args.site} at {url}/ (Ctrl+C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
