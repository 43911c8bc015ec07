#!/usr/bin/env python3
"""Validates every response of a HAR with openapi-core's response validator, for the side by
side of `errlint check-traffic` (issue #31). Needs `openapi-core` (run.sh pins it).

    openapi_core_bench.py DOC HAR [--json]

Times three phases separately: loading the description (`OpenAPI.from_file_path`, which also
validates the document), reading the HAR (`json.load`) and validating each entry's response
(`OpenAPI.validate_response` with a request and a response built from the entry). Prints the
times, the outcome counts by the generator's kind (`comment`), and with --json one JSON line
for run.sh.
"""

import argparse
import collections
import json
import resource
import sys
import time
from urllib.parse import parse_qsl, urlsplit

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse


def entries(har):
    for entry in har["log"]["entries"]:
        request, response = entry["request"], entry["response"]
        url = urlsplit(request["url"])
        content = response.get("content", {})
        mime = content.get("mimeType") or ""
        yield entry.get("comment", ""), MockRequest(
            "%s://%s" % (url.scheme, url.netloc),
            request["method"],
            url.path,
            args=dict(parse_qsl(url.query)),
            headers={h["name"]: h["value"] for h in request.get("headers", [])},
        ), MockResponse(
            (content.get("text") or "").encode(),
            status_code=response["status"],
            headers={h["name"]: h["value"] for h in response.get("headers", [])},
            content_type=mime.split(";")[0].strip(),
        )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("doc")
    ap.add_argument("har")
    ap.add_argument("--json", action="store_true", help="also print one JSON line of figures")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    api = OpenAPI.from_file_path(args.doc)
    load = time.perf_counter() - started

    started = time.perf_counter()
    with open(args.har, "rb") as f:
        har = json.load(f)
    read = time.perf_counter() - started

    outcomes = collections.Counter()
    by_kind = collections.defaultdict(collections.Counter)
    n = 0
    started = time.perf_counter()
    for kind, request, response in entries(har):
        try:
            api.validate_response(request, response)
            outcome = "valid"
        except Exception as e:  # openapi-core's errors are its own classes; count them by name
            outcome = type(e).__name__
        outcomes[outcome] += 1
        by_kind[kind][outcome] += 1
        n += 1
    validate = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print("openapi-core: load %.2f s, HAR read %.2f s, validation of %d responses %.2f s "
          "(%.0f responses/s), peak RSS %.0f MB" % (load, read, n, validate, n / validate,
                                                     peak_mb), file=sys.stderr)
    for kind in sorted(by_kind):
        print("  %-20s %s" % (kind, dict(by_kind[kind].most_common())), file=sys.stderr)
    if args.json:
        print(json.dumps({"exchanges": n, "load_s": load, "read_s": read,
                          "validate_s": validate, "peak_rss_mb": peak_mb,
                          "outcomes": dict(outcomes)}))


if __name__ == "__main__":
    main()
