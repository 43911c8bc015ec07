#!/usr/bin/env python3
"""A plain client, Python's urllib, making a fixed list of requests to BASE (mitmdump's reverse
proxy in tests/producers.rs): every planted defect once, and each clean operation's success and
error answers. Prints `METHOD PATH STATUS` for each, in order."""

import sys
import urllib.error
import urllib.request

REQUESTS = [
    # Clean: successes, and errors as documented.
    ("GET", "/items", None),
    ("GET", "/items/1", None),
    ("GET", "/items/nope", None),
    ("GET", "/items/hot", None),
    ("POST", "/items", b'{"name": "lamp"}'),
    ("POST", "/items", b'{"name": ""}'),
    # One request for each planted defect.
    ("GET", "/orders/7", None),
    ("DELETE", "/orders/7", None),
    ("GET", "/users/7", None),
    ("GET", "/warehouses/7", None),
    ("GET", "/search?q=lamp", None),
    ("GET", "/reports/7", None),
    ("GET", "/status", None),
    ("GET", "/tags", None),
    ("GET", "/pages/7", None),
    ("GET", "/internal/debug", None),
]


def main(base):
    for method, path, body in REQUESTS:
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as e:
            e.read()
            status = e.code
        print(method, path, status, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
