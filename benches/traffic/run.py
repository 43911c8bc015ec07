#!/usr/bin/env python3
"""The one-run comparison of issue #31: `errlint check-traffic` against openapi-core's response
validator on the same generated HARs of GitHub's description. Standard library only; run.sh
makes the venv with openapi-core and calls this.

    run.py --errlint target/release/errlint --python VENV/bin/python --work DIR
           [--sizes 20000,200000] [--openapi-core-sizes 20000] [--rounds 3] [--ndjson]

Every errlint figure is a whole process, measured with /usr/bin/time (wall seconds, peak RSS),
on one core (`taskset -c 0`, `RAYON_NUM_THREADS=1`), the best time of --rounds rounds in which
the runs take turns. The fixed cost (reading and modelling the 13 MB description) is measured
as `check-traffic` of a HAR with no entries, so that the streaming rate can be given without it.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402

NO_PATHS_DOC = {
    "openapi": "3.0.3",
    "info": {"title": "no operations: the reading floor", "version": "1"},
    "servers": [{"url": "https://api.github.com"}],
    "paths": {},
}


def timed(cmd, env=None, one_core=True, stdout=subprocess.DEVNULL, ok=(0, 1)):
    """(wall seconds, peak RSS MB) of one process, by /usr/bin/time."""
    stats = os.path.join(ARGS.work, "time.txt")
    full = ["/usr/bin/time", "-f", "%e %M", "-o", stats]
    if one_core and shutil.which("taskset"):
        full += ["taskset", "-c", "0"]
    full += cmd
    run_env = dict(os.environ, **(env or {}))
    if one_core:
        run_env["RAYON_NUM_THREADS"] = "1"
    code = subprocess.call(full, env=run_env, stdout=stdout)
    if code not in ok:
        sys.exit("run.py: %s exited with %d" % (" ".join(cmd), code))
    with open(stats) as f:
        last = f.read().split("\n")
    wall, peak_kb = [line for line in last if line.strip()][-1].split()
    return float(wall), int(peak_kb) / 1024


def best_in_turns(tasks, rounds):
    """{name: (best wall, highest peak)} over `rounds` rounds, the tasks taking turns."""
    best = {}
    for _ in range(rounds):
        for name, task in tasks:
            wall, peak = task()
            old = best.get(name, (float("inf"), 0.0))
            best[name] = (min(old[0], wall), max(old[1], peak))
    return best


def rate(x):
    return "%.0f" % x if x >= 10 else "%.1f" % x


def findings_summary(path):
    """Counts of the findings' rules in errlint's JSON report, whatever its nesting."""
    counts = {}

    def walk(node):
        if isinstance(node, dict):
            rule = node.get("rule") or node.get("rule_id")
            if isinstance(rule, str) and ("message" in node or "severity" in node):
                counts[rule] = counts.get(rule, 0) + 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    try:
        with open(path, encoding="utf-8") as f:
            walk(json.load(f))
    except (OSError, ValueError):
        return None
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--errlint", required=True)
    ap.add_argument("--python", required=True, help="a Python with openapi-core")
    ap.add_argument("--work", required=True, help="folder for the HARs (hundreds of MB)")
    ap.add_argument("--sizes", default="20000,200000")
    ap.add_argument("--openapi-core-sizes", default="20000",
                    help="the HARs openapi-core validates (200,000 takes it about 7 minutes)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--ndjson", action="store_true", help="also time the largest size as NDJSON")
    ap.add_argument("--doc", help="GitHub's JSON description (default: from MANIFEST.tsv)")
    ARGS = ap.parse_args()
    doc = generate.find_doc(ARGS.doc)
    if not os.path.exists(doc):
        print("run.py: skipped: no GitHub description at %s (../shared/corpus is absent)" % doc)
        return
    sizes = [int(s) for s in ARGS.sizes.split(",") if s]
    oc_sizes = [int(s) for s in ARGS.openapi_core_sizes.split(",") if s]
    os.makedirs(ARGS.work, exist_ok=True)
    bin_ = os.path.abspath(ARGS.errlint)

    print("generating HARs in %s ..." % ARGS.work, file=sys.stderr)
    hars = {}
    for n in [0] + sizes:
        hars[n] = os.path.join(ARGS.work, "github-%d.har" % n)
        nd = None
        if ARGS.ndjson and n == max(sizes):
            nd = os.path.join(ARGS.work, "github-%d.ndjson" % n)
        generate.main([str(n), hars[n], "--doc", doc] + (["--ndjson", nd] if nd else []))
    no_paths = os.path.join(ARGS.work, "no-paths.json")
    with open(no_paths, "w") as f:
        json.dump(NO_PATHS_DOC, f)

    def traffic(d, path, out=subprocess.DEVNULL):
        return lambda: timed([bin_, "check-traffic", d, path, "--no-config", "--format", "json"],
                             stdout=out)

    tasks = [("lint", lambda: timed([bin_, "--no-config", doc, "--format", "json"])),
             ("fixed", traffic(doc, hars[0]))]
    for n in sizes:
        tasks.append(("traffic-%d" % n, traffic(doc, hars[n])))
    big = max(sizes)
    tasks.append(("floor-%d" % big, traffic(no_paths, hars[big])))
    if ARGS.ndjson:
        tasks.append(("ndjson-%d" % big, traffic(doc, os.path.join(ARGS.work,
                                                                   "github-%d.ndjson" % big))))
    tasks.append(("two-cores-%d" % big, lambda: timed(
        [bin_, "check-traffic", doc, hars[big], "--no-config", "--format", "json"],
        one_core=False)))
    print("timing errlint (%d rounds) ..." % ARGS.rounds, file=sys.stderr)
    best = best_in_turns(tasks, ARGS.rounds)
    report = os.path.join(ARGS.work, "report-%d.json" % min(sizes))
    with open(report, "w") as out:
        traffic(doc, hars[min(sizes)], out)()

    oc = {}
    for n in oc_sizes:
        print("openapi-core on %d exchanges ..." % n, file=sys.stderr)
        started = time.perf_counter()
        line = subprocess.run([ARGS.python, os.path.join(HERE, "openapi_core_bench.py"), doc,
                               hars[n], "--json"], check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
        oc[n] = json.loads(line)
        oc[n]["wall_s"] = time.perf_counter() - started

    fixed = best["fixed"][0]
    mb = {n: os.path.getsize(hars[n]) / 1e6 for n in sizes}
    rows = [("errlint lint of the description", "", "", best["lint"], None, None)]
    rows.append(("errlint check-traffic, empty HAR (fixed cost)", "0", 0.0, best["fixed"],
                 None, None))
    for n in sizes:
        wall, peak = best["traffic-%d" % n]
        rows.append(("errlint check-traffic, 1 core", n, mb[n], (wall, peak), wall - fixed, None))
    wall, peak = best["two-cores-%d" % big]
    rows.append(("errlint check-traffic, 2 cores", big, mb[big], (wall, peak), wall - fixed,
                 None))
    wall, peak = best["floor-%d" % big]
    rows.append(("floor: same HAR, no operations", big, mb[big], (wall, peak), wall, None))
    if ARGS.ndjson:
        nd_mb = os.path.getsize(os.path.join(ARGS.work, "github-%d.ndjson" % big)) / 1e6
        wall, peak = best["ndjson-%d" % big]
        rows.append(("errlint check-traffic NDJSON, 1 core", big, nd_mb, (wall, peak),
                     wall - fixed, None))
    for n in oc_sizes:
        r = oc[n]
        rows.append(("openapi-core, whole", n, mb.get(n, os.path.getsize(hars[n]) / 1e6),
                     (r["load_s"] + r["read_s"] + r["validate_s"], r["peak_rss_mb"]),
                     r["read_s"] + r["validate_s"], None))
    print()
    print("| run | exchanges | HAR MB | wall s | peak RSS MB | streaming s (wall − load) "
          "| MB/s (wall; streaming) | exchanges/s (wall; streaming) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, n, size, (wall, peak), streaming, _ in rows:
        if n in ("", "0"):
            print("| %s | %s | | %.2f | %.0f | | | |" % (name, n, wall, peak))
            continue
        s_rate = rate(size / streaming) if streaming and streaming > 0 else "–"
        x_rate = rate(n / streaming) if streaming and streaming > 0 else "–"
        print("| %s | %d | %.1f | %.2f | %.0f | %.2f | %s; %s | %s; %s |" % (
            name, n, size, wall, peak, streaming, rate(size / wall), s_rate, rate(n / wall),
            x_rate))
    for n in oc_sizes:
        r = oc[n]
        print("\nopenapi-core on %d: load %.2f s (from_file_path, which validates the document), "
              "HAR json.load %.2f s, validation %.2f s; outcomes %s" % (
                  n, r["load_s"], r["read_s"], r["validate_s"], r["outcomes"]))
        if "traffic-%d" % n in best:
            e_wall = best["traffic-%d" % n][0]
            print("ratio on the same %d responses, with load (whole processes): %.1f / %.2f = "
                  "%.0f×" % (n, r["load_s"] + r["read_s"] + r["validate_s"], e_wall,
                             (r["load_s"] + r["read_s"] + r["validate_s"]) / e_wall))
            e_stream = e_wall - fixed
            print("ratio without load (HAR read + validation against errlint's wall minus its "
                  "empty-HAR run): %.1f / %.2f = %.0f×" % (
                      r["read_s"] + r["validate_s"], e_stream,
                      (r["read_s"] + r["validate_s"]) / e_stream if e_stream > 0 else 0))
    lint_peak = best["lint"][1]
    for n in sizes:
        peak = best["traffic-%d" % n][1]
        print("peak memory at %d: %.0f MB = the lint's %.0f MB + %.0f MB (goal ≤ + 64 MB)" % (
            n, peak, lint_peak, peak - lint_peak))
    summary = findings_summary(report)
    if summary is not None:
        print("errlint's findings on %d exchanges by rule: %s" % (min(sizes), summary))


if __name__ == "__main__":
    main()
