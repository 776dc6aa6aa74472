#!/usr/bin/env python3
"""Side-by-side throughput and memory benchmark: syslog-swift vs Debian's syslog-ng 3.38.

Workloads (same config text for both daemons, flags(flow-control) so nothing is dropped):
  generator  example-msg-generator(num(N) freq(0)) -> file() with the default template
  stdin      N pre-generated RFC3164 lines piped into stdin() -> file() with the default template;
             both daemons stop at end of input

Prints msgs/s and peak RSS per run, the medians, and the ratio syslog-swift / syslog-ng.
This is a benchmark, not a test: nothing is asserted.

  ./Benchmarks/daemon_bench.py [--count 1000000] [--runs 3] [--workload generator|stdin|all]
"""
import argparse, os, shutil, signal, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import count_lines  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWIFT_BIN = os.path.join(ROOT, ".build", "release", "syslog-swift")
SYSLOG_NG = "/usr/sbin/syslog-ng"

CONF = """@version: 3.38
options {{ stats-freq(0); }};
source s {{ {source} }};
destination d {{ file("{out}"); }};
log {{ source(s); destination(d); flags(flow-control); }};
"""



def peak_rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_generator(binary, count, time_cap):
    wd = tempfile.mkdtemp(prefix="sswbench-")
    out = os.path.join(wd, "out.log")
    conf = os.path.join(wd, "bench.conf")
    with open(conf, "w") as f:
        f.write(CONF.format(source='example-msg-generator(num(%d) freq(0) template("benchmark message"));' % count, out=out))
    args = [binary, "-F", "-f", conf, "-R", wd + "/persist", "-p", wd + "/pid", "-c", wd + "/ctl", "--no-caps"]
    start = time.monotonic()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(wd + "/stderr.log", "w"))
    size_goal = None
    try:
        while True:
            time.sleep(0.005)
            if p.poll() is not None:
                break
            try:
                size = os.path.getsize(out)
            except OSError:
                size = 0
            if size_goal is None and size > 0:
                with open(out, "rb") as f:
                    first = f.readline()
                size_goal = len(first) * count
            if size_goal and size >= size_goal:
                break
            if time.monotonic() - start > time_cap:
                break
        elapsed = time.monotonic() - start
        rss = peak_rss_kib(p.pid)
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    lines = count_lines(out)
    shutil.rmtree(wd, ignore_errors=True)
    return {"msgs": lines, "seconds": elapsed, "rate": lines / elapsed, "rss_kib": rss,
            "capped": lines < count}


def run_stdin(binary, count, input_path):
    wd = tempfile.mkdtemp(prefix="sswbench-")
    out = os.path.join(wd, "out.log")
    conf = os.path.join(wd, "bench.conf")
    with open(conf, "w") as f:
        f.write(CONF.format(source="stdin();", out=out))
    args = ["/usr/bin/time", "-f", "%M", binary, "-F", "-f", conf, "-R", wd + "/persist", "-p", wd + "/pid",
            "-c", wd + "/ctl", "--no-caps"]
    start = time.monotonic()
    with open(input_path, "rb") as inp:
        cat = subprocess.Popen(["cat"], stdin=inp, stdout=subprocess.PIPE)
        p = subprocess.Popen(args, stdin=cat.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cat.stdout.close()
        _, err = p.communicate(timeout=600)
        cat.wait()
    elapsed = time.monotonic() - start
    rss = int(err.decode().strip().splitlines()[-1] or 0)
    lines = count_lines(out)
    shutil.rmtree(wd, ignore_errors=True)
    return {"msgs": lines, "seconds": elapsed, "rate": lines / elapsed, "rss_kib": rss, "capped": False}


def make_input(count):
    fd, path = tempfile.mkstemp(prefix="sswbench-input-")
    with os.fdopen(fd, "w") as f:
        for i in range(count):
            f.write("<13>Nov 25 10:00:00 host prog[%d]: benchmark message %07d\n" % (i % 1000, i))
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workload", choices=["generator", "stdin", "all"], default="all")
    ap.add_argument("--time-cap", type=float, default=20.0,
                    help="generator: stop a run after this many seconds (syslog-ng 3.38's generator is timer-paced)")
    ap.add_argument("--swift-bin", default=SWIFT_BIN)
    a = ap.parse_args()
    if not os.path.exists(a.swift_bin):
        sys.exit("build first: swift build -c release --product syslog-swift")
    daemons = [("syslog-swift", a.swift_bin)]
    if os.path.exists(SYSLOG_NG):
        daemons.append(("syslog-ng", SYSLOG_NG))
    else:
        print("# %s not installed: syslog-swift only (apt-get install syslog-ng-core syslog-ng-mod-examples)" % SYSLOG_NG)
    workloads = ["generator", "stdin"] if a.workload == "all" else [a.workload]
    input_path = make_input(a.count) if "stdin" in workloads else None
    try:
        for w in workloads:
            print("## %s  N=%d runs=%d" % (w, a.count, a.runs))
            results = {name: [] for name, _ in daemons}
            for r in range(a.runs):
                for name, binary in daemons:
                    res = run_generator(binary, a.count, a.time_cap) if w == "generator" else run_stdin(binary, a.count, input_path)
                    results[name].append(res)
                    print("  run %d %-12s %9d msgs %7.2f s %10.0f msgs/s  peak RSS %6.1f MiB%s" % (
                        r + 1, name, res["msgs"], res["seconds"], res["rate"], res["rss_kib"] / 1024,
                        "  (time cap hit)" if res["capped"] else ""))
            med = {n: (statistics.median(x["rate"] for x in v), statistics.median(x["rss_kib"] for x in v))
                   for n, v in results.items()}
            for n, (rate, rss) in med.items():
                print("  median %-12s %10.0f msgs/s  peak RSS %6.1f MiB" % (n, rate, rss / 1024))
            if "syslog-ng" in med:
                print("  ratio syslog-swift/syslog-ng: msgs/s %.2f, peak RSS %.2f" % (
                    med["syslog-swift"][0] / med["syslog-ng"][0], med["syslog-swift"][1] / med["syslog-ng"][1]))
    finally:
        if input_path:
            os.unlink(input_path)


if __name__ == "__main__":
    main()
