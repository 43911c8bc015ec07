#!/usr/bin/env python3
"""Writes a HAR 1.2 of N recorded error exchanges against GitHub's REST description, for the
`check-traffic` benchmark (issue #31). Standard library only; deterministic for a given seed.

    generate.py N OUT.har [--ndjson OUT.ndjson] [--seed 31] [--doc PATH]

Each entry is one real operation of the document (its path template filled in, on the
document's server `https://api.github.com`) answered with an error status. Entries are
browser-like, as Chrome writes them: indented, request headers with an Authorization,
response headers, cookies, cache and timings. The responses, by share:

    55%  valid: a documented error status, a body made from the documented schema
         (GitHub's basic-error, validation-error with known `errors[].code`s, ...)
    14%  wrong type: a documented status, a member of the wrong type (`"message": 404`, ...)
     9%  missing required: a required member left out (of a schema that has one)
     8%  unknown code: a documented 422/503 whose `code` (or `errors[].code`) is not one
         GitHub documents; schema-valid, for the code checks
     7%  undocumented status: a status the operation does not document (418, 409, 429, ...)
     7%  wrong media type: an HTML error page for a documented status

Each entry's `comment` names its kind. `--ndjson` also writes the same exchanges as NDJSON
lines `{"method","url","status","headers","body","request_headers"}`.
"""

import argparse
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DOC = os.path.join(HERE, "..", "..", "..", "shared", "corpus",
                           "github-api.github.com.3.0.json")
METHODS = ("get", "put", "post", "delete", "patch")
# GitHub's documented `errors[].code` values (docs.github.com, "Client errors").
KNOWN_CODES = ("missing", "missing_field", "invalid", "already_exists", "unprocessable", "custom")
UNKNOWN_CODES = ("frobnicated", "quota_melted", "not_a_code", "E_WRONG")
REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 409: "Conflict", 410: "Gone", 412: "Precondition Failed",
           413: "Payload Too Large", 418: "I'm a teapot", 422: "Unprocessable Entity",
           429: "Too Many Requests", 451: "Unavailable For Legal Reasons",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
WORDS = ("octocat", "hello-world", "linguist", "spoon-knife", "main", "docs", "api", "mona",
         "hubot", "release", "feature-x", "payments")


def find_doc(path):
    """The GitHub JSON document: `path` if given, else the one MANIFEST.tsv names."""
    if path:
        return path
    corpus = os.path.dirname(DEFAULT_DOC)
    manifest = os.path.join(corpus, "MANIFEST.tsv")
    if os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as f:
            for line in f:
                cells = line.rstrip("\n").split("\t")
                if cells[0].startswith("github") and len(cells) > 3 and cells[3] == "json":
                    return os.path.join(corpus, cells[0])
    return DEFAULT_DOC


class Doc:
    def __init__(self, doc):
        self.doc = doc

    def resolve(self, node, depth=0):
        while isinstance(node, dict) and "$ref" in node:
            node = self.pointer(node["$ref"])
        return node

    def pointer(self, ref):
        node = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def instance(self, schema, rng, depth=0):
        """A value valid for `schema` (OAS 3.0): required members and some optional ones."""
        schema = self.resolve(schema)
        if depth > 6:
            return None if schema.get("nullable") else self.leaf(schema, rng)
        if "allOf" in schema:
            merged = {}
            for part in schema["allOf"]:
                value = self.instance(part, rng, depth + 1)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
        for key in ("oneOf", "anyOf"):
            if key in schema:
                # the first string/object branch: the branches of GitHub's error schemas
                # are distinct by type, so a string or an object matches exactly one
                return self.instance(schema[key][0], rng, depth + 1)
        if "enum" in schema:
            return rng.choice([v for v in schema["enum"] if v is not None] or [None])
        kind = schema.get("type")
        if kind == "object" or (kind is None and "properties" in schema):
            out = {}
            required = set(schema.get("required", ()))
            for name, sub in schema.get("properties", {}).items():
                always = name in required or name in ("message", "documentation_url")
                if not always and rng.random() > 0.4:
                    continue
                if name == "code":
                    out[name] = rng.choice(KNOWN_CODES)
                elif name == "message":
                    out[name] = rng.choice(("Not Found", "Validation Failed", "Bad credentials",
                                            "Resource not accessible by integration",
                                            "Must have admin rights to Repository."))
                elif name == "documentation_url":
                    out[name] = "https://docs.github.com/rest/" + rng.choice(WORDS)
                else:
                    out[name] = self.instance(sub, rng, depth + 1)
            return out
        if kind == "array":
            return [self.instance(schema.get("items", {}), rng, depth + 1)
                    for _ in range(rng.randint(1, 2))]
        return self.leaf(schema, rng)

    @staticmethod
    def leaf(schema, rng):
        kind = schema.get("type")
        fmt = schema.get("format")
        if kind == "integer":
            return rng.randint(schema.get("minimum", 1), max(schema.get("minimum", 1), 99999))
        if kind == "number":
            return round(rng.uniform(0, 100), 2)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "string" or kind is None:
            if fmt == "date-time":
                return "2026-03-0%dT12:00:00Z" % rng.randint(1, 9)
            if fmt == "date":
                return "2026-03-0%d" % rng.randint(1, 9)
            if fmt == "uri":
                return "https://api.github.com/" + rng.choice(WORDS)
            if fmt == "email":
                return rng.choice(WORDS) + "@github.com"
            return rng.choice(WORDS)
        return None


def operations(d):
    """[(method, path, path params, query params, {status: response})] with 4xx/5xx JSON."""
    out = []
    for path, item in d.doc["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            errors = {}
            for status, response in op.get("responses", {}).items():
                if status[0] in "45" and status.isdigit():
                    response = d.resolve(response)
                    schema = response.get("content", {}).get("application/json", {}).get("schema")
                    if schema is not None:
                        errors[int(status)] = schema
            if not errors:
                continue
            params = [d.resolve(p) for p in shared + op.get("parameters", [])]
            path_params = {p["name"]: d.resolve(p.get("schema", {})) for p in params
                           if p.get("in") == "path"}
            query = [p["name"] for p in params if p.get("in") == "query"
                     and d.resolve(p.get("schema", {})).get("type") in ("integer", "string")
                     and not d.resolve(p.get("schema", {})).get("enum")
                     and d.resolve(p.get("schema", {})).get("format") is None]
            documented = {int(s) for s in op.get("responses", {}) if s.isdigit()}
            has_default = "default" in op.get("responses", {})
            out.append((method.upper(), path, path_params, query, errors, documented, has_default))
    return out


def fill(path, params, rng):
    for name, schema in params.items():
        if schema.get("type") == "integer":
            value = str(rng.randint(1, 9999))
        elif schema.get("enum"):
            value = str(rng.choice(schema["enum"]))
        else:
            value = rng.choice(WORDS)
        path = path.replace("{" + name + "}", value)
    return path


def spoil_type(body, schema, d, rng):
    """`body` with one member of the wrong type."""
    schema = d.resolve(schema)
    props = [k for k in schema.get("properties", {}) if k in body] or \
            list(schema.get("properties", {}))[:1]
    if not props:
        return ["not", "an", "object"]
    name = rng.choice(props)
    kind = d.resolve(schema["properties"][name]).get("type")
    body[name] = {"string": 404, "integer": "404", "array": "one", "object": 1,
                  "boolean": "yes"}.get(kind, [1, 2])
    return body


def has_code(d, schema):
    """Whether `schema` has a `code` member or `errors[].code`: where a code can be unknown."""
    props = d.resolve(schema).get("properties", {})
    if "code" in props:
        return True
    items = d.resolve(d.resolve(props.get("errors", {})).get("items", {}))
    return "code" in items.get("properties", {})


def pools(ops, d):
    """For each kind of response, the (operation, status) pairs that can give it."""
    pairs = [(op, status) for op in ops for status in sorted(op[4])]
    return {
        "any": pairs,
        "required": [(op, s) for op, s in pairs if d.resolve(op[4][s]).get("required")],
        "code": [(op, s) for op, s in pairs if has_code(d, op[4][s])],
    }


def exchange(i, pool, d, rng):
    roll = rng.random()
    kind = ("valid" if roll < 0.55 else "wrong-type" if roll < 0.69 else
            "missing-required" if roll < 0.78 else "unknown-code" if roll < 0.86 else
            "undocumented-status" if roll < 0.93 else "wrong-media-type")
    source = {"missing-required": "required", "unknown-code": "code"}.get(kind, "any")
    op, status = rng.choice(pool[source])
    method, template, params, query, errors, documented, has_default = op
    path = fill(template, params, rng)
    if query and rng.random() < 0.4:
        path += "?" + "&".join("%s=%s" % (q, 30 if q in ("per_page", "page") else "octocat")
                               for q in rng.sample(query, min(2, len(query))))
    schema = errors[status]
    mime = "application/json; charset=utf-8"
    body = d.instance(schema, rng)
    if not isinstance(body, dict):
        body = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
    if kind == "wrong-type":
        body = spoil_type(body, schema, d, rng)
    elif kind == "missing-required":
        body.pop(rng.choice(d.resolve(schema)["required"]), None)
    elif kind == "unknown-code":
        if "code" in d.resolve(schema).get("properties", {}):
            body["code"] = rng.choice(UNKNOWN_CODES)
        else:
            body["errors"] = [{"resource": "Issue", "field": "title",
                               "code": rng.choice(UNKNOWN_CODES)}]
    elif kind == "undocumented-status":
        status = rng.choice([s for s in (409, 418, 429, 451, 502) if s not in documented])
        body = {"message": REASONS[status], "documentation_url": "https://docs.github.com/rest"}
    elif kind == "wrong-media-type":
        mime = "text/html; charset=utf-8"
        body = "<html><body><h1>%d %s</h1></body></html>" % (status, REASONS.get(status, ""))
    text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
    return method, "https://api.github.com" + path, status, mime, text, kind


def request_headers(i, method):
    headers = [
        ("accept", "application/vnd.github+json"),
        ("accept-encoding", "gzip, deflate, br, zstd"),
        ("accept-language", "en-GB,en;q=0.9"),
        ("authorization", "Bearer ghp_%036d" % (i * 7919 % 10**12)),
        ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
                       "Gecko) Chrome/131.0.0.0 Safari/537.36"),
        ("x-github-api-version", "2022-11-28"),
    ]
    if method in ("POST", "PUT", "PATCH"):
        headers.append(("content-type", "application/json"))
    return headers


def response_headers(i, mime, size, started):
    return [
        ("content-type", mime),
        ("content-length", str(size)),
        ("date", started.strftime("%a, %d %b %Y %H:%M:%S GMT")),
        ("server", "github.com"),
        ("x-github-media-type", "github.v3; format=json"),
        ("x-github-request-id", "%04X:%06X:%07X:%07X:%08X" % (i % 65536, i * 31 % 2**24,
                                                              i * 17 % 2**28, i * 13 % 2**28,
                                                              i)),
        ("x-ratelimit-limit", "5000"),
        ("x-ratelimit-remaining", str(4999 - i % 5000)),
        ("x-ratelimit-reset", str(1772000000 + i // 5000 * 3600)),
        ("x-ratelimit-used", str(1 + i % 5000)),
        ("x-ratelimit-resource", "core"),
        ("access-control-allow-origin", "*"),
        ("strict-transport-security", "max-age=31536000; includeSubdomains; preload"),
        ("x-content-type-options", "nosniff"),
        ("vary", "Accept-Encoding, Accept, X-Requested-With"),
    ]


def har_headers(pairs, indent):
    pad = " " * indent
    return ("[\n" + ",\n".join('%s  {"name": %s, "value": %s}' % (pad, json.dumps(n), json.dumps(v))
                                for n, v in pairs) + "\n" + pad + "]")


def har_entry(i, ex, started, rng):
    method, url, status, mime, text, kind = ex
    req_h = request_headers(i, method)
    res_h = response_headers(i, mime, len(text.encode()), started)
    query = []
    if "?" in url:
        query = [{"name": k, "value": v} for k, v in
                 (p.split("=", 1) for p in url.split("?", 1)[1].split("&"))]
    wait = round(rng.uniform(20, 400), 3)
    receive = round(rng.uniform(0.1, 3), 3)
    post = ""
    if method in ("POST", "PUT", "PATCH"):
        post = (',\n          "postData": {"mimeType": "application/json", "text": %s}'
                % json.dumps(json.dumps({"title": "Found a bug", "body": "It breaks."})))
    return (
        '      {\n'
        '        "startedDateTime": "%s",\n'
        '        "time": %.3f,\n'
        '        "comment": "%s",\n'
        '        "request": {\n'
        '          "method": "%s",\n'
        '          "url": %s,\n'
        '          "httpVersion": "http/2.0",\n'
        '          "headers": %s,\n'
        '          "queryString": %s,\n'
        '          "cookies": [],\n'
        '          "headersSize": -1,\n'
        '          "bodySize": %d%s\n'
        '        },\n'
        '        "response": {\n'
        '          "status": %d,\n'
        '          "statusText": "",\n'
        '          "httpVersion": "http/2.0",\n'
        '          "headers": %s,\n'
        '          "cookies": [],\n'
        '          "content": {\n'
        '            "size": %d,\n'
        '            "mimeType": %s,\n'
        '            "text": %s\n'
        '          },\n'
        '          "redirectURL": "",\n'
        '          "headersSize": -1,\n'
        '          "bodySize": -1,\n'
        '          "_transferSize": %d\n'
        '        },\n'
        '        "cache": {},\n'
        '        "timings": {"blocked": %.3f, "dns": -1, "ssl": -1, "connect": -1, '
        '"send": 0.211, "wait": %.3f, "receive": %.3f, "_blocked_queueing": 0.8},\n'
        '        "serverIPAddress": "140.82.121.6",\n'
        '        "_priority": "High",\n'
        '        "_resourceType": "fetch",\n'
        '        "connection": "443"\n'
        '      }'
    ) % (
        started.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (started.microsecond // 1000),
        wait + receive + 1.5, kind, method, json.dumps(url), har_headers(req_h, 10),
        json.dumps(query), 0 if not post else 44, post, status, har_headers(res_h, 10),
        len(text.encode()), json.dumps(mime), json.dumps(text), len(text.encode()) + 300,
        rng.uniform(0.5, 2), wait, receive)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--ndjson")
    ap.add_argument("--seed", type=int, default=31)
    ap.add_argument("--doc")
    args = ap.parse_args(argv)
    path = find_doc(args.doc)
    if not os.path.exists(path):
        sys.exit("generate.py: no GitHub description at %s (../shared/corpus is absent)" % path)
    with open(path, encoding="utf-8") as f:
        d = Doc(json.load(f))
    ops = operations(d)
    pool = pools(ops, d)
    rng = random.Random(args.seed)
    base = datetime(2026, 3, 1, 9, 0, 0, tzinfo=timezone.utc)
    nd = open(args.ndjson, "w", encoding="utf-8") if args.ndjson else None
    with open(args.out, "w", encoding="utf-8") as out:
        out.write('{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "WebInspector", '
                  '"version": "537.36"},\n    "pages": [],\n    "entries": [\n')
        for i in range(args.n):
            ex = exchange(i, pool, d, rng)
            started = base + timedelta(milliseconds=i * 37)
            if i:
                out.write(",\n")
            out.write(har_entry(i, ex, started, rng))
            if nd:
                method, url, status, mime, text, kind = ex
                body = text if mime.startswith("text/html") else json.loads(text)
                nd.write(json.dumps({
                    "method": method, "url": url, "status": status,
                    "headers": dict(response_headers(i, mime, len(text.encode()), started)),
                    "body": body,
                    "request_headers": dict(request_headers(i, method)),
                }, separators=(",", ":")) + "\n")
        out.write("\n    ]\n  }\n}\n")
    if nd:
        nd.close()
    print("%s: %d exchanges over %d operations, %.1f MB" % (
        args.out, args.n, len(ops), os.path.getsize(args.out) / 1e6), file=sys.stderr)


if __name__ == "__main__":
    main()
