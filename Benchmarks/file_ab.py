#!/usr/bin/env python3
"""File source A/B: syslog-ng 3.38 (A) vs syslog-swift (B), same session, same configuration.

Workloads (the input is written before the daemon starts; both read it from the start):
  file      a 5M-line file -> file(flags(no-parse)) -> file("$MSG\\n")
  csv       the same file -> csv-parser(columns(...)) -> file("$(format-json ...)\\n")
  wildcard  100 files of 50k lines -> wildcard-file(filename-pattern("*.log")) -> file()
Per run: lines written per second (lines / time from daemon start to the last growth of the
output), lines lost (expected - written), peak RSS (VmHWM, polled) and the daemon's CPU
microseconds per line; per pair the B/A ratios, and medians. A benchmark: it prints, asserts
nothing.

Usage: Benchmarks/file_ab.py [--workload file|csv|wildcard|all] [--lines 5000000] [--runs 5]
                             [--hog N] [--io-hog]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import HOG_CPU, HOG_IO, count_lines, proc_stat, daemons as benchlib_daemons  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SWIFT = os.path.join(ROOT, ".build", "release", "syslog-swift")
COLUMNS = ["date", "host", "app", "pid", "req", "status", "bytes"]


def write_lines(path, first, count):
    with open(path, "w") as f:
        chunk = []
        for i in range(first, first + count):
            chunk.append("2026-12-01T10:%02d:%02d,host%d,app%d,%d,GET /item/%d,200,%d\n"
                         % (i // 60 % 60, i % 60, i % 17, i % 5, 1000 + i % 900, i, i % 65536))
            if len(chunk) >= 10000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))


def config(workload, inputs, out):
    if workload == "wildcard":
        source = 'wildcard-file(base-dir("%s") filename-pattern("*.log") max-files(200) flags(no-parse))' % inputs
    else:
        source = 'file("%s" flags(no-parse))' % inputs
    parser, template = "", "$MSG\\n"
    if workload == "csv":
        parser = 'parser { csv-parser(columns(%s) delimiters(",")); };' % ", ".join('"%s"' % c for c in COLUMNS)
        template = "$(format-json %s)\\n" % " ".join("%s=${%s}" % (c, c) for c in COLUMNS)
    return ("@version: 3.38\noptions { stats-freq(0); };\n"
            "source s { %s; };\n"
            'destination d { file("%s" template("%s")); };\n'
            "log { source(s); %s destination(d); };\n" % (source, out, template, parser))




def one_run(argv_for, workload, args, work, inputs, expected):
    out = work + "/out.log"
    conf = work + "/daemon.conf"
    with open(conf, "w") as f:
        f.write(config(workload, inputs, out))
    hogs = [subprocess.Popen([sys.executable, "-c", HOG_CPU]) for _ in range(args.hog)]
    if args.io_hog:
        hogs.append(subprocess.Popen([sys.executable, "-c", HOG_IO, work + "/iohog.dat"]))
    start = time.monotonic()
    daemon = subprocess.Popen(argv_for(conf, work), stdout=subprocess.DEVNULL,
                              stderr=open(work + "/stderr.log", "wb"))
    try:
        last_size, last_growth, peak = -1, time.monotonic(), 0
        while time.monotonic() - last_growth < 2.0 and daemon.poll() is None:
            size = os.path.getsize(out) if os.path.exists(out) else 0
            if size != last_size:
                last_size, last_growth = size, time.monotonic()
            peak = max(peak, proc_stat(daemon.pid)[0])
            time.sleep(0.02)
        p, cpu = proc_stat(daemon.pid)
        peak = max(peak, p)
        written = count_lines(out)
        wall = last_growth - start
        return {"rate": written / wall if wall > 0 else 0, "written": written, "lost": expected - written,
                "peak_mib": peak / 1024.0, "cpu_us": cpu * 1e6 / written if written else 0}
    finally:
        for h in hogs:
            h.terminate()
            h.wait()
        daemon.terminate()
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
        for name in ("iohog.dat", "out.log"):
            try:
                os.unlink(os.path.join(work, name))
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", choices=["file", "csv", "wildcard", "all"], default="all")
    ap.add_argument("--lines", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--hog", type=int, default=0)
    ap.add_argument("--io-hog", action="store_true")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "syslog-swift"], cwd=ROOT, check=True,
                       stdout=sys.stderr)
    daemons = benchlib_daemons(SWIFT)
    workloads = ["file", "csv", "wildcard"] if args.workload == "all" else [args.workload]
    root = tempfile.mkdtemp(prefix="file-ab-")
    single = root + "/input.log"
    write_lines(single, 0, args.lines)
    multi = root + "/many"
    os.mkdir(multi)
    for i in range(100):
        write_lines("%s/f%03d.log" % (multi, i), i * 50_000, 50_000)
    for workload in workloads:
        inputs, expected = (multi, 100 * 50_000) if workload == "wildcard" else (single, args.lines)
        ratios, rss, cpu = [], [], []
        lost = {n: [] for n in daemons}
        for r in range(args.runs):
            res = {}
            for name, argv_for in daemons.items():
                work = tempfile.mkdtemp(dir=root)
                res[name] = x = one_run(argv_for, workload, args, work, inputs, expected)
                lost[name].append(x["lost"])
                print("[%s] %s run %d: %s lines/s | written %d lost %d | peak RSS %.1f MiB | CPU %.2f us/line"
                      % (name, workload, r + 1, format(int(x["rate"]), ","), x["written"], x["lost"],
                         x["peak_mib"], x["cpu_us"]), flush=True)
            a, b = res["A syslog-ng"], res["B swift"]
            ratios.append(b["rate"] / a["rate"] if a["rate"] else 0)
            rss.append(b["peak_mib"] / a["peak_mib"] if a["peak_mib"] else 0)
            cpu.append(b["cpu_us"] / a["cpu_us"] if a["cpu_us"] else 0)
            print("pair %d: lines/s b/a %.3f | peak RSS b/a %.3f | CPU/line b/a %.3f" % (r + 1, ratios[-1], rss[-1], cpu[-1]),
                  flush=True)
        print("%s: lines/s ratio median %.2f (min %.2f, max %.2f); peak RSS ratio median %.2f (worst %.3f); "
              "CPU us/line ratio median %.2f" % (workload, statistics.median(ratios), min(ratios), max(ratios),
                                                 statistics.median(rss), max(rss), statistics.median(cpu)), flush=True)
        for name, l in lost.items():
            print("%s: %s lost per run %s" % (workload, name, l), flush=True)


if __name__ == "__main__":
    main()
