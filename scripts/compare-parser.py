#!/usr/bin/env python3
"""Feeds the same lines to syslog-ng 3.38 and syslog-swift through stdin() and shows, line by
line, where the parsed fields differ (PRI, stamp, HOST, PROGRAM, PID, MSGHDR, MSG, SDATA).

Usage: scripts/compare-parser.py [LINES_FILE] [--flags no-parse,syslog-protocol] [--all]
       scripts/compare-parser.py [LINES_FILE] --golden OUT   (syslog-ng's output for the whole file
       in one run, normalised as Tests/SyslogDaemonTests/ParserGoldenTests.swift compares it)
Default input: Tests/Fixtures/rfc3164/lines.txt. Needs /usr/sbin/syslog-ng (syslog-ng-core).
Stamps within a minute of now (messages without a stamp of their own) print as <now>.
Each line runs through its own pair of daemon runs (syslog-ng skips some lines, e.g. empty ones,
so one run's outputs would not line up).
"""
import argparse
import datetime
import os
import re
import socket
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIELDS = ["PRI", "ISODATE", "HOST", "PROGRAM", "PID", "MSGHDR", "MSG", "SDATA"]
TEMPLATE = "|".join("${%s}" % f for f in FIELDS) + "\\n"


def run(argv, conf, lines_path, work):
    with open(conf, "w") as f:
        f.write(CONFIG)
    with open(lines_path, "rb") as src:
        feeder = subprocess.Popen(["cat", lines_path], stdout=subprocess.PIPE)
        subprocess.run(argv + ["-F", "-f", conf, "-R", work + "/persist", "-p", work + "/pid", "-c", work + "/ctl"],
                       stdin=feeder.stdout, stdout=subprocess.DEVNULL, stderr=open(work + "/stderr.log", "wb"),
                       env=dict(os.environ, TZ="UTC"), timeout=30)
        feeder.wait()
    try:
        with open(work + "/out.log", "rb") as f:
            out = f.read().split(b"\n")[:-1]
    except OSError:
        out = []
    try:
        with open(work + "/internal.log", "rb") as f:
            internal = f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        internal = []
    return out, internal


def normalise(line):
    # The daemons' own PIDs (in their "Error processing log message" messages) differ.
    text = re.sub(r"syslog-ng\[\d+\]", "syslog-ng[PID]", line.decode("utf-8", "backslashreplace"))
    parts = text.split("|")
    if len(parts) > 2 and parts[2] == socket.gethostname().split(".")[0]:
        parts[2] = "<local>"
    if len(parts) > 4 and parts[3] == "syslog-ng" and parts[4].isdigit():
        parts[4] = "PID"
    if len(parts) > 1:
        try:
            stamp = datetime.datetime.fromisoformat(parts[1])
            if abs((datetime.datetime.now(datetime.timezone.utc) - stamp).total_seconds()) < 60:
                parts[1] = "<now>"
        except ValueError:
            pass
    return parts


def main():
    global CONFIG
    ap = argparse.ArgumentParser()
    ap.add_argument("lines", nargs="?", default=os.path.join(ROOT, "Tests/Fixtures/rfc3164/lines.txt"))
    ap.add_argument("--flags", default="")
    ap.add_argument("--all", action="store_true", help="print equal lines too")
    ap.add_argument("--golden", help="write syslog-ng's normalised output for the whole file here")
    args = ap.parse_args()
    flags = " flags(%s)" % args.flags if args.flags else ""
    if args.golden:
        work = tempfile.mkdtemp(prefix="cmp-")
        CONFIG = ("@version: 3.38\noptions { stats-freq(0); keep-hostname(yes); };\n"
                  "source s { stdin(%s); };\n"
                  'destination d { file("%s/out.log" template("%s")); };\n'
                  "log { source(s); destination(d); };\n" % (flags, work, TEMPLATE))
        out, _ = run(["/usr/sbin/syslog-ng", "--no-caps"], work + "/daemon.conf", args.lines, work)
        with open(args.golden, "w") as f:
            for o in out:
                parts = normalise(o)
                # The year of a stamp without one depends on the day the test runs.
                if len(parts) > 1 and parts[1] != "<now>":
                    parts[1] = parts[1][5:]
                f.write("|".join(parts) + "\n")
        print("wrote %d lines to %s" % (len(out), args.golden))
        return
    inputs = open(args.lines, "rb").read().split(b"\n")[:-1]
    differ = 0
    errors = {"syslog-ng": [], "swift": []}
    for i, line in enumerate(inputs):
        results = {}
        for name, argv in (("syslog-ng", ["/usr/sbin/syslog-ng", "--no-caps"]),
                           ("swift", [os.path.join(ROOT, ".build/debug/syslog-swift")])):
            work = tempfile.mkdtemp(prefix="cmp-")
            with open(work + "/line", "wb") as f:
                f.write(line + b"\n")
            CONFIG = ("@version: 3.38\noptions { stats-freq(0); keep-hostname(yes); };\n"
                      "source s { stdin(%s); };\nsource si { internal(); };\n"
                      'destination d { file("%s/out.log" template("%s")); };\n'
                      'destination di { file("%s/internal.log" template("$MSG\\n")); };\n'
                      "log { source(s); destination(d); };\nlog { source(si); destination(di); };\n"
                      % (flags, work, TEMPLATE, work))
            out, internal = run(argv, work + "/daemon.conf", work + "/line", work)
            results[name] = [normalise(o) for o in out] or [["<nothing>"]]
            errors[name] += [l for l in internal if "rror" in l]
        la, lb = results["syslog-ng"], results["swift"]
        if la == lb and not args.all:
            continue
        differ += la != lb
        print("input %d: %r" % (i + 1, line[:120]))
        for r in range(max(len(la), len(lb))):
            ra = la[r] if r < len(la) else ["<missing>"]
            rb = lb[r] if r < len(lb) else ["<missing>"]
            for k, f in enumerate(FIELDS):
                va = ra[k] if k < len(ra) else ""
                vb = rb[k] if k < len(rb) else ""
                if va != vb or args.all:
                    print("   %s %-8s ng=%r swift=%r" % ("  " if va == vb else "!=", f, va[:100], vb[:100]))
    print("%d of %d lines differ" % (differ, len(inputs)))
    ia, ib = errors["syslog-ng"], errors["swift"]
    print("internal errors: syslog-ng %d, swift %d" % (len(ia), len(ib)))
    for l in ia[:20]:
        print("   ng: " + l[:200])
    for l in ib[:20]:
        print("   swift: " + l[:200])


if __name__ == "__main__":
    main()
