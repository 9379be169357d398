"""A small web server on 127.0.0.1 for the link tests (LINK-2, LINK-4): never the internet.

Routes are set per test: path -> (status, headers, body); `Location` headers may name
`{base}` (http://127.0.0.1:<port>) or `{other}` (http://localhost:<port>, another host name of
the same server, for redirects that leave the host).
"""

import http.server
import threading
from contextlib import contextmanager


class LinkServer:
    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        self.hits: list[str] = []
        routes, hits = self.routes, self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                hits.append(self.path)
                status, headers, body = routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value.format(base=server.base, other=server.other))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command == "GET":
                    self.wfile.write(body)

            do_HEAD = do_GET

            def log_message(self, *args):
                pass

        server = self
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{port}"
        self.other = f"http://localhost:{port}"

    def page(self, path: str, title: str = "", status: int = 200) -> None:
        body = f"<!doctype html><html><head><title>{title}</title></head><body>{title}</body></html>".encode()
        self.routes[path] = (status, {"Content-Type": "text/html; charset=utf-8"}, body)

    def redirect(self, path: str, location: str) -> None:
        self.routes[path] = (302, {"Location": location}, b"")


@contextmanager
def link_server():
    server = LinkServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
