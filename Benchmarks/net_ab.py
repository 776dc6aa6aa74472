#!/usr/bin/env python3
"""Network source A/B: syslog-ng 3.38 (A) vs syslog-swift (B), same session, same configuration.

Workloads (loggen from syslog-ng-core sends 300-byte RFC3164 messages for --interval seconds):
  udp     loggen --dgram            -> network(transport("udp")) -> file()
  tcp10   loggen --active-connections 10 (TCP, each as fast as it can) -> network(tcp) -> file()
  tcp     loggen, one TCP connection (what ../shared/bench's `ab tcp` measures)
Reports per run: lines written per second (lines / time from loggen start to the last growth of
the output), what loggen sent and what was lost (UDP loses datagrams in the kernel on both sides
once a daemon falls behind: that is the figure to compare), peak RSS (VmHWM, polled) and the
daemon's CPU microseconds per message written; per pair the B/A ratios, and medians. A
benchmark: it prints, asserts nothing.

Usage: Benchmarks/net_ab.py [--workload udp|tcp10|tcp|all] [--interval 10] [--runs 5]
                            [--hog N] [--io-hog]
"""
import argparse
import os
import re
import socket
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


def free_port(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def config(workload, port, out):
    transport = "udp" if workload == "udp" else "tcp"
    return ("@version: 3.38\noptions { stats-freq(0); };\n"
            'source s { network(ip("127.0.0.1") port(%d) transport("%s") max-connections(100)); };\n'
            'destination d { file("%s"); };\n'
            "log { source(s); destination(d); };\n" % (port, transport, out))




def one_run(name, argv_for, workload, args, work):
    kind = socket.SOCK_DGRAM if workload == "udp" else socket.SOCK_STREAM
    port = free_port(kind)
    out = work + "/out.log"
    conf = work + "/daemon.conf"
    with open(conf, "w") as f:
        f.write(config(workload, port, out))
    argv = argv_for(conf, work)
    env = dict(os.environ)
    daemon = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=open(work + "/stderr.log", "wb"), env=env)
    try:
        # Wait until it listens.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if kind == socket.SOCK_STREAM:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                time.sleep(0.5)
                break
        # The connection probe wrote nothing; start from here.
        _, cpu0 = proc_stat(daemon.pid)
        loggen = ["loggen", "--inet", "--rate", "1000000", "--interval", str(args.interval), "-s", "300"]
        loggen += ["--dgram"] if workload == "udp" else ["--stream"]
        if workload == "tcp10":
            loggen += ["--active-connections", "10"]
        hogs = [subprocess.Popen([sys.executable, "-c", HOG_CPU]) for _ in range(args.hog)]
        if args.io_hog:
            hogs.append(subprocess.Popen([sys.executable, "-c", HOG_IO, work + "/iohog.dat"]))
        start = time.monotonic()
        lg = subprocess.run(loggen + ["127.0.0.1", str(port)], capture_output=True, text=True)
        sent = 0
        for m in re.finditer(r"count=(\d+)", lg.stderr + lg.stdout):
            sent = int(m.group(1))
        # Wait for the output to stop growing (1 s without growth).
        last_size, last_growth = -1, time.monotonic()
        peak = 0
        while time.monotonic() - last_growth < 1.0:
            size = os.path.getsize(out) if os.path.exists(out) else 0
            if size != last_size:
                last_size, last_growth = size, time.monotonic()
            peak = max(peak, proc_stat(daemon.pid)[0])
            time.sleep(0.02)
        for h in hogs:
            h.terminate()
            h.wait()
        peak, cpu1 = proc_stat(daemon.pid)
        written = count_lines(out)
        wall = last_growth - start
        return {"rate": written / wall if wall > 0 else 0, "sent": sent, "written": written,
                "lost": sent - written, "peak_mib": peak / 1024.0,
                "cpu_us": (cpu1 - cpu0) * 1e6 / written if written else 0}
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
        try:
            os.unlink(work + "/iohog.dat")
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", choices=["udp", "tcp10", "tcp", "all"], default="all")
    ap.add_argument("--interval", type=int, default=10)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--hog", type=int, default=0)
    ap.add_argument("--io-hog", action="store_true")
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "syslog-swift"], cwd=ROOT, check=True,
                   stdout=sys.stderr)
    daemons = benchlib_daemons(SWIFT)
    workloads = ["udp", "tcp10", "tcp"] if args.workload == "all" else [args.workload]
    root = tempfile.mkdtemp(prefix="net-ab-")
    for workload in workloads:
        ratios, rss, cpu = [], [], []
        lost = {n: [] for n in daemons}
        for r in range(args.runs):
            res = {}
            for name, argv_for in daemons.items():
                work = tempfile.mkdtemp(dir=root)
                res[name] = x = one_run(name, argv_for, workload, args, work)
                lost[name].append(x["lost"])
                print("[%s] %s run %d: %s msgs/s written | sent %d written %d lost %d | peak RSS %.1f MiB | CPU %.2f us/msg"
                      % (name, workload, r + 1, format(int(x["rate"]), ","), x["sent"], x["written"], x["lost"],
                         x["peak_mib"], x["cpu_us"]), flush=True)
            a, b = res["A syslog-ng"], res["B swift"]
            ratios.append(b["rate"] / a["rate"] if a["rate"] else 0)
            rss.append(b["peak_mib"] / a["peak_mib"] if a["peak_mib"] else 0)
            cpu.append(b["cpu_us"] / a["cpu_us"] if a["cpu_us"] else 0)
            print("pair %d: msgs/s b/a %.3f | peak RSS b/a %.3f | CPU/msg b/a %.3f" % (r + 1, ratios[-1], rss[-1], cpu[-1]),
                  flush=True)
        print("%s: msgs/s ratio median %.2f (min %.2f, max %.2f); peak RSS ratio median %.2f (worst %.3f); "
              "CPU us/msg ratio median %.2f" % (workload, statistics.median(ratios), min(ratios), max(ratios),
                                                statistics.median(rss), max(rss), statistics.median(cpu)), flush=True)
        for name, l in lost.items():
            print("%s: %s lost per run %s" % (workload, name, l), flush=True)


if __name__ == "__main__":
    main()
