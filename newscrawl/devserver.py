"""A static-site HTTP server on 127.0.0.1 for the demo crawl, tests and benchmarks.

It serves a fixture site written with absolute URLs on a fixed origin
(``https://gqn.example``) and rewrites that origin to its own address, so the
site's links, canonicals and sitemaps point back at the server. It answers
conditional GETs (ETag / If-None-Match -> 304) like a real WordPress host, logs
every request, and lets tests plug in extra handlers (faults, slow responses).
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Origin written in the fixture files, replaced by the server's own.
FIXTURE_ORIGIN = "https://gqn.example"

#: Index files tried, in order, for a directory URL ``/x/``.
INDEX_FILES = ("index.html", "index.xml", "index.rss")

#: How many served files are kept in memory (oldest dropped first).
CACHE_FILES = 512

#: Files that belong to the fixtures but are not part of the site.
HIDDEN_SUFFIXES = (".expected.json",)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}

#: A custom handler: gets the request handler and writes the whole response itself.
Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class LoggedRequest:
    """One request the server answered."""

    method: str
    path: str
    status: int  # -1 for paths answered by a custom handler
    headers: dict[str, str]
    #: When the request arrived (``time.monotonic()``), e.g. to measure retry spacing.
    at: float = field(default_factory=time.monotonic)


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a crawler timing out, a test resetting) is no error here.

    A crawler opens many connections at once: socketserver's listen backlog of 5
    overflows while the accept thread waits for the GIL, and the kernel then drops
    SYNs that are retried only after 1 s, 3 s, 7 s (requests "time out" at random).
    """

    request_queue_size = 1024

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class SiteServer:
    """Serve ``root`` on ``http://127.0.0.1:<port>/`` in a background thread.

    Use as a context manager; ``base_url`` is known once started.
    """

    def __init__(
        self,
        root: Path | str,
        *,
        origin: str = FIXTURE_ORIGIN,
        host: str = "127.0.0.1",
        port: int = 0,
        delay: float = 0.0,
    ) -> None:
        self.root = Path(root).resolve()
        #: Seconds to wait before answering each request (a slow site, for kill tests).
        self.delay = delay
        self.origin = origin.rstrip("/")
        self.requests: list[LoggedRequest] = []
        self.handlers: dict[str, Handler] = {}
        self._cache: dict[Path, tuple[tuple[int, int], bytes, str]] = {}
        self._lock = threading.Lock()
        self._httpd = _QuietServer((host, port), self._make_handler())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> SiteServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="newscrawl-devserver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers for tests ----------------------------------------------
    def route(self, path: str, handler: Handler) -> None:
        """Answer ``path`` (exact, without query) with ``handler`` instead of a file."""
        self.handlers[path] = handler

    def requested(self, path_prefix: str = "/", status: int | None = None) -> list[LoggedRequest]:
        """Logged requests whose path starts with ``path_prefix`` (and have ``status``)."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.path.startswith(path_prefix) and (status is None or r.status == status)
            ]

    def _log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    # -- serving ---------------------------------------------------------
    def resolve(self, url_path: str) -> Path | None:
        """The file that answers ``url_path``, or None (never outside ``root``)."""
        rel = unquote(url_path).lstrip("/")
        target = (self.root / rel).resolve()
        if target != self.root and self.root not in target.parents:
            return None
        if target.is_dir():
            for name in INDEX_FILES:
                if (target / name).is_file():
                    return target / name
            return None
        if not target.is_file() or target.name.endswith(HIDDEN_SUFFIXES):
            return None
        return target

    def body_for(self, file: Path) -> tuple[bytes, str]:
        """The served bytes of ``file`` and their ETag (cached until the file changes)."""
        stat = file.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(file)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        data = file.read_bytes()
        if file.suffix in CONTENT_TYPES and file.suffix != ".json":
            data = data.replace(self.origin.encode(), self.base_url.rstrip("/").encode())
        etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
        with self._lock:
            if len(self._cache) >= CACHE_FILES:
                self._cache.pop(next(iter(self._cache)))
            self._cache[file] = (key, data, etag)
        return data, etag

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_HEAD(self) -> None:
                self._serve(send_body=False)

            def do_GET(self) -> None:
                self._serve(send_body=True)

            def _serve(self, send_body: bool) -> None:
                path = urlsplit(self.path).path
                if server.delay:
                    time.sleep(server.delay)
                handler = server.handlers.get(path)
                if handler is not None:
                    # logged on arrival: a handler may stall, drip or never finish
                    server._log(LoggedRequest(self.command, path, -1, dict(self.headers)))
                    handler(self)
                    return
                file = server.resolve(path)
                if file is None:
                    status, body, headers = (
                        404,
                        b"<h1>Not found</h1>",
                        {"Content-Type": "text/html; charset=utf-8"},
                    )
                else:
                    status, body, headers = server._file_response(file, self.headers)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body and status != 304:
                    self.wfile.write(body)
                server._log(LoggedRequest(self.command, path, status, dict(self.headers)))

        return RequestHandler

    def _file_response(
        self, file: Path, request_headers: object
    ) -> tuple[int, bytes, dict[str, str]]:
        body, etag = self.body_for(file)
        mtime = file.stat().st_mtime
        ctype = CONTENT_TYPES.get(file.suffix) or (
            mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        )
        headers = {
            "Content-Type": ctype,
            "ETag": etag,
            "Last-Modified": formatdate(mtime, usegmt=True),
        }
        get = getattr(request_headers, "get", lambda _k, _d=None: None)
        if_none_match = get("If-None-Match")
        if_modified_since = get("If-Modified-Since")
        if if_none_match is not None:
            if etag in [t.strip() for t in if_none_match.split(",")]:
                return 304, b"", headers
        elif if_modified_since is not None and _not_modified_since(mtime, if_modified_since):
            return 304, b"", headers
        return 200, body, headers


def _not_modified_since(mtime: float, header: str) -> bool:
    try:
        since = parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return False
    return int(mtime) <= int(since)


def serve_forever(root: Path, port: int = 0) -> None:
    """Serve ``root`` until interrupted (``python -m newscrawl.devserver DIR``)."""
    with SiteServer(root, port=port) as server:
        print(f"serving {root} at {server.base_url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    import sys

    serve_forever(Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures/gqn/site"))
