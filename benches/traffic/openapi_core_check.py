#!/usr/bin/env python3
"""openapi-core's response validator on recorded traffic: the peer check-traffic is compared
with (tests/producers.rs's traffic, the benchmark's).

    openapi_core_check.py DOC HAR

Validates each HAR entry's response against DOC with openapi-core (the venv that .ci/lib.sh's
traffic_venv makes has it) and prints one line per failing response:
`ENTRY METHOD PATH STATUS: ERROR: CAUSE`, ENTRY counting from 0. Ends 0 when every response
passed, 1 when one failed.
"""

import base64
import json
import sys
import urllib.parse

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse


def body(content):
    text = content.get("text", "")
    if content.get("encoding") == "base64":
        return base64.b64decode(text)
    return text.encode()


def exchange(entry):
    request, response = entry["request"], entry["response"]
    url = urllib.parse.urlsplit(request["url"])
    query = dict(urllib.parse.parse_qsl(url.query))
    content = response.get("content", {})
    headers = {h["name"]: h["value"] for h in response.get("headers", [])}
    # HAR's mimeType, else the header; openapi-core wants the bare media type.
    content_type = content.get("mimeType") or headers.get("content-type", "")
    mock_request = MockRequest(
        f"{url.scheme}://{url.netloc}",
        request["method"],
        url.path or "/",
        args=query,
        headers={h["name"]: h["value"] for h in request.get("headers", [])},
    )
    mock_response = MockResponse(
        body(content),
        status_code=response["status"],
        headers=headers,
        content_type=content_type.split(";")[0].strip(),
    )
    return mock_request, mock_response


def describe(error):
    """The error's kind and what lies at the bottom of it: a schema's own messages, where a
    schema failed, else the last error in the chain."""
    kind = type(error).__name__
    while error.__cause__ is not None:
        error = error.__cause__
    schema_errors = getattr(error, "schema_errors", None)
    if schema_errors:
        detail = "; ".join(e.message for e in schema_errors)
    else:
        detail = str(error)
    return f"{kind}: {' '.join(detail.split())}"


def main(doc, har):
    openapi = OpenAPI.from_file_path(doc)
    with open(har, encoding="utf-8") as f:
        entries = json.load(f)["log"]["entries"]
    failed = 0
    for n, entry in enumerate(entries):
        request, response = exchange(entry)
        errors = list(openapi.iter_response_errors(request, response))
        for error in errors:
            print(f"{n} {request.method.upper()} {request.path} {response.status_code}: {describe(error)}")
        failed += bool(errors)
    print(f"{failed} of {len(entries)} responses failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
