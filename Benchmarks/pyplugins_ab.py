#!/usr/bin/env python3
"""Python destination and parser A/B: syslog-ng 3.38 (A) vs syslog-swift (B), same session.

Workloads (the input is N RFC3164 lines piped into stdin(); both daemons stop at end of input):
  dest    stdin() -> python destination whose send() counts and returns True
  parser  stdin() -> python parser setting one value -> file("$MSG $FOO\\n")
  workers stdin() -> python destination that queues and sleeps 1 ms per flush() of batch-lines(100):
          syslog-ng (one worker), syslog-swift with one worker (B) and with workers(4) (B4);
          reports the workers(4) gain B4/B and B4/A
Reports msgs/s (messages delivered / wall time from start to exit, start-up included for both;
syslog-ng 3.38 exits at the end of stdin before its Python destination got every message, so
the delivered count is what counts), peak RSS (VmHWM, polled) and the ratios, per pair and as
medians. A benchmark: it prints,
asserts nothing.

Usage: Benchmarks/pyplugins_ab.py [--count N] [--runs R] [--workload dest|parser|workers|both|all]
                                  [--hog N] [--io-hog]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SWIFT = os.path.join(ROOT, ".build", "release", "syslog-swift")

PLUGIN = '''
import time
import syslogng

class Count(getattr(syslogng, "LogDestination", object)):
    def init(self, options):
        self.n = 0
        self.marker = options["marker"]
        return True

    def send(self, msg):
        self.n += 1
        return True

    def deinit(self):
        with open(self.marker, "w") as f:
            f.write("%d\\n" % self.n)


class SlowBatch(getattr(syslogng, "LogDestination", object)):
    """An HTTP-like client: send() queues, flush() takes 1 ms (the GIL released) per batch."""

    def init(self, options):
        self.n = 0
        self.pending = 0
        self.marker = "%s.%d" % (options["marker"], id(self))
        return True

    def send(self, msg):
        self.pending += 1
        return self.QUEUED

    def flush(self):
        time.sleep(0.001)
        self.n += self.pending
        self.pending = 0
        return self.SUCCESS

    def deinit(self):
        with open(self.marker, "w") as f:
            f.write("%d\\n" % self.n)


class SetFoo(getattr(syslogng, "LogParser", object)):
    def parse(self, msg):
        msg["FOO"] = "bar"
        return True
'''


def config(workload, work, workers=1):
    head = "@version: 3.38\noptions { stats-freq(0); };\nsource s_in { stdin(); };\n"
    if workload == "workers":
        extra = " workers(%d)" % workers if workers > 1 else ""
        return head + ('destination d { python(class("bench_plugins.SlowBatch") batch-lines(100)%s '
                       'options("marker" "%s/count")); };\n'
                       'log { source(s_in); destination(d); };\n' % (extra, work))
    if workload == "dest":
        return head + ('destination d { python(class("bench_plugins.Count") options("marker" "%s/count")); };\n'
                       'log { source(s_in); destination(d); };\n' % work)
    return head + ('parser p { python(class("bench_plugins.SetFoo")); };\n'
                   'destination d { file("%s/out.log" template("$MSG $FOO\\n")); };\n'
                   'log { source(s_in); parser(p); destination(d); };\n' % work)


HOG_CPU = "while True: pass"
# Rewrites a 256 MiB file with fdatasync again and again: writeback competes with the daemons'.
HOG_IO = ("import os,sys\nb=b'x'*(1<<20)\nwhile True:\n f=open(sys.argv[1],'wb')\n"
          " for i in range(256):\n  f.write(b)\n os.fdatasync(f.fileno()); f.close()\n")


def start_hogs(args, work):
    """--hog N busy loops and --io-hog one writer for one daemon run."""
    hogs = [subprocess.Popen([sys.executable, "-c", HOG_CPU]) for _ in range(args.hog)]
    if args.io_hog:
        hogs.append(subprocess.Popen([sys.executable, "-c", HOG_IO, work + "/iohog.dat"]))
    return hogs


def stop_hogs(hogs, work):
    for h in hogs:
        h.terminate()
        h.wait()
    try:
        os.unlink(work + "/iohog.dat")
    except OSError:
        pass


def run(name, argv, env, input_path, work):
    # A pipe, as `cat input | daemon` (syslog-ng's stdin() refuses a regular file).
    feeder = subprocess.Popen(["cat", input_path], stdout=subprocess.PIPE)
    with feeder.stdout as stdin:
        start = time.monotonic()
        p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=open(work + "/stderr.log", "wb"),
                             env=env)
        peak = 0
        while p.poll() is None:
            try:
                with open("/proc/%d/status" % p.pid) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.02)
        wall = time.monotonic() - start
    feeder.wait()
    return wall, peak / 1024.0, p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workload", choices=["dest", "parser", "workers", "both", "all"], default="both")
    ap.add_argument("--hog", type=int, default=0, help="busy-loop processes during each run")
    ap.add_argument("--io-hog", action="store_true", help="a process rewriting 256 MiB with fdatasync during each run")
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "syslog-swift"], cwd=ROOT, check=True,
                   stdout=sys.stderr)
    work_root = tempfile.mkdtemp(prefix="pyplugins-ab-")
    with open(work_root + "/bench_plugins.py", "w") as f:
        f.write(PLUGIN)
    input_path = work_root + "/input.log"
    with open(input_path, "w") as f:
        for i in range(args.count):
            f.write("<13>Dec  1 10:00:00 host prog[%d]: benchmark message %07d\n" % (i % 1000, i))
    workloads = {"both": ["dest", "parser"], "all": ["dest", "parser", "workers"]}.get(args.workload, [args.workload])
    for workload in workloads:
        ratios, rss_ratios, gains = [], [], []
        lost = {}
        names = ("A syslog-ng", "B swift") + (("B4 swift workers(4)",) if workload == "workers" else ())
        for r in range(args.runs):
            results = {}
            for name in names:
                work = tempfile.mkdtemp(dir=work_root)
                conf = work + "/daemon.conf"
                with open(conf, "w") as f:
                    f.write(config(workload, work, workers=4 if name.startswith("B4") else 1))
                env = dict(os.environ, PYTHONPATH=work_root)
                common = ["-F", "-f", conf, "-R", work + "/persist", "-p", work + "/pid", "-c", work + "/ctl"]
                if name.startswith("A"):
                    argv = ["/usr/sbin/syslog-ng"] + common + ["--no-caps"]
                else:
                    argv = [SWIFT] + common
                    env["SYSLOG_SWIFT_PYTHON_DIR"] = os.path.join(ROOT, "python")
                hogs = start_hogs(args, work)
                try:
                    wall, peak, rc = run(name, argv, env, input_path, work)
                finally:
                    stop_hogs(hogs, work)
                if workload == "dest":
                    try:
                        got = int(open(work + "/count").read())
                    except (OSError, ValueError):
                        got = -1
                elif workload == "workers":
                    markers = [f for f in os.listdir(work) if f.startswith("count.")]
                    try:
                        got = sum(int(open(os.path.join(work, f)).read()) for f in markers) if markers else -1
                    except (OSError, ValueError):
                        got = -1
                else:
                    try:
                        got = sum(1 for _ in open(work + "/out.log", "rb"))
                    except OSError:
                        got = -1
                # Delivered per second: syslog-ng 3.38 exits at the end of stdin before its Python
                # destination got everything, so lines/wall would flatter it.
                rate = (got if got > 0 else args.count) / wall
                results[name] = (rate, peak)
                lost.setdefault(name, []).append(args.count - got if got >= 0 else args.count)
                print("[%s] %s run %d: %s msgs/s | wall %.2f s | peak RSS %.1f MiB | delivered %d of %d | exit %d"
                      % (name, workload, r + 1, format(int(rate), ","), wall, peak, got, args.count, rc), flush=True)
            a, b = results["A syslog-ng"], results["B swift"]
            ratios.append(b[0] / a[0])
            rss_ratios.append(b[1] / a[1] if a[1] else 0)
            print("pair %d: msgs/s b/a %.3f | peak RSS b/a %.3f" % (r + 1, ratios[-1], rss_ratios[-1]), flush=True)
            if workload == "workers":
                b4 = results["B4 swift workers(4)"]
                gains.append(b4[0] / b[0])
                print("run %d: workers(4) gain b4/b %.2f | b4/a %.2f" % (r + 1, gains[-1], b4[0] / a[0]), flush=True)
        print("%s: msgs/s ratio median %.2f (min %.2f, max %.2f); peak RSS ratio median %.2f (worst %.3f)"
              % (workload, statistics.median(ratios), min(ratios), max(ratios), statistics.median(rss_ratios),
                 max(rss_ratios)), flush=True)
        for name, l in lost.items():
            print("%s: %s lost per run %s" % (workload, name, l), flush=True)
        if gains:
            print("workers(4) gain over one worker: median %.2f (min %.2f, max %.2f)"
                  % (statistics.median(gains), min(gains), max(gains)), flush=True)


if __name__ == "__main__":
    main()
