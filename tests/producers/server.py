#!/usr/bin/env python3
"""The local API that tests/producers.rs records traffic from: standard library only, bound to
127.0.0.1 on a port the system picks. It prints that port as its first line of output, then
serves until it is killed. `/openapi.yaml` serves the document beside this file.

Every answer depends on the request alone (no state, no clock, no randomness), and each
operation is either clean (every answer as documented and as the contract in errlint.yaml
says) or carries one planted defect on every request, so that any client that calls each
operation once meets the same set of defects. tests/producers.rs lists them (PLANTED), with
the check of check-traffic that each one must set off.
"""

import http.server
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))

# "4" is what POST /items answers, so that a client (Schemathesis' stateful phase) finds it.
ITEMS = {"1": "hammer", "2": "saw", "3": "drill", "4": "created"}
ID = r"([^/]+)"


def error(status, code, message, headers=None, **extra):
    body = {"code": code, "message": message}
    body.update(extra)
    return status, body, headers or {}


def item(item_id):
    return 200, {"id": item_id, "name": ITEMS.get(item_id, "thing")}, {}


# Clean operations.


def list_items(_request, _match):
    return 200, [{"id": k, "name": v} for k, v in sorted(ITEMS.items())], {}


def create_item(request, _match):
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str) or not name:
        return error(422, "VALIDATION_FAILED", "name must be a non-empty string")
    return 201, {"id": "4", "name": name}, {}


def get_item(_request, match):
    item_id = match.group(1)
    if item_id == "hot":
        return error(429, "RATE_LIMITED", "Slow down", {"Retry-After": "5"})
    if item_id in ITEMS:
        return item(item_id)
    return error(404, "ITEM_NOT_FOUND", "No such item")


# Operations with one planted defect each, on every request.


def get_order(_request, _match):
    # The code is in no catalog.
    return error(404, "NO_SUCH_ORDER", "No such order")


def delete_order(_request, _match):
    # The code is the catalog's, for 422.
    return error(404, "VALIDATION_FAILED", "No such order")


def get_user(_request, _match):
    # The document's schema asks only for `code`; the contract's envelope also asks `message`.
    return 404, {"code": "USER_NOT_FOUND"}, {}


def get_warehouse(_request, _match):
    # `details` is an object in the document; the envelope's own fields are right.
    return error(404, "WAREHOUSE_NOT_FOUND", "No such warehouse", details="aisle 7")


def search(_request, _match):
    # A 429 with no Retry-After.
    return error(429, "RATE_LIMITED", "Slow down")


def get_report(_request, _match):
    # Retry-After on a 404, which the contract gives no retry hint.
    return error(404, "REPORT_NOT_FOUND", "No such report", {"Retry-After": "30"})


def get_status(_request, _match):
    # A 429 on a path declared `x-rate-limited: false`, otherwise as documented.
    return error(429, "RATE_LIMITED", "Slow down", {"Retry-After": "5"})


def list_tags(_request, _match):
    # A 403 the operation does not document, with a right body.
    return error(403, "FORBIDDEN", "Tags are private")


def get_page(_request, _match):
    # An HTML error page where the document says JSON.
    return 404, "<html><body><h1>Not found</h1></body></html>", {"Content-Type": "text/html; charset=utf-8"}


def internal_debug(_request, _match):
    # A path the document does not have.
    return error(404, "ROUTE_NOT_FOUND", "No such route")


ROUTES = [
    ("GET", r"/items", list_items),
    ("POST", r"/items", create_item),
    ("GET", r"/items/" + ID, get_item),
    ("GET", r"/orders/" + ID, get_order),
    ("DELETE", r"/orders/" + ID, delete_order),
    ("GET", r"/users/" + ID, get_user),
    ("GET", r"/warehouses/" + ID, get_warehouse),
    ("GET", r"/search", search),
    ("GET", r"/reports/" + ID, get_report),
    ("GET", r"/status", get_status),
    ("GET", r"/tags", list_tags),
    ("GET", r"/pages/" + ID, get_page),
    ("GET", r"/internal/debug", internal_debug),
]
ROUTES = [(method, re.compile(pattern + r"\Z"), handler) for method, pattern, handler in ROUTES]


class Request:
    def __init__(self, method, path, body):
        self.method = method
        self.path = path
        self.body = body


def route(request):
    if request.method == "GET" and request.path == "/openapi.yaml":
        with open(os.path.join(HERE, "openapi.yaml"), "rb") as f:
            return 200, f.read(), {"Content-Type": "application/yaml"}
    allowed = False
    for method, pattern, handler in ROUTES:
        match = pattern.match(request.path)
        if match:
            if method == request.method:
                return handler(request, match)
            allowed = True
    if allowed:
        return error(405, "METHOD_NOT_ALLOWED", "No such method on this path")
    return error(404, "ROUTE_NOT_FOUND", "No such route")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "producers-test"
    sys_version = ""

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        status, payload, headers = route(Request(self.command, path, body))
        if isinstance(payload, bytes):
            data = payload
        elif isinstance(payload, str):
            data = payload.encode()
        else:
            data = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json", **headers}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

    def log_message(self, *_args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
