#!/usr/bin/env python3
"""Writes the release binary's symbol ordering file (Sources/syslog-swift/symbol-order.txt).

The linker puts the functions listed there first, hottest first, so the code the daemon runs
sits together: fewer pages of the binary are mapped (the kernel maps a file 64 KiB around each
page fault), and resident memory follows the code that runs, not the size of the binary.

It runs the release binary under callgrind (valgrind) through the workloads the benchmarks use
(TCP, UDP, syslog() framing, stdin, a Python source, a Python destination and parser, a
reload, shutdown) and lists every function of the binary that ran, by its own cost. Symbols
that later disappear are skipped by the linker; run it again after large changes:

    scripts/symbol-order.py            # uses .build/release/syslog-swift
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build/release/syslog-swift")
OUT = os.path.join(ROOT, "Sources/syslog-swift/symbol-order.txt")
FIXTURES = os.path.join(ROOT, "Tests/Fixtures/python")

CONFIG = """@version: 4.8
options {{ stats-freq(0); use-dns(no); }};
source s_net {{ network(ip("127.0.0.1") port({tcp}) transport("tcp"));
               network(ip("127.0.0.1") port({udp}) transport("udp"));
               syslog(ip("127.0.0.1") port({rfc5424}) transport("tcp")); }};
source s_py {{ python(class("ordering.Numbers")); }};
source s_in {{ stdin(); }};
parser p_py {{ python(class("ordering.Tag")); }};
destination d_f {{ file("{dir}/out.log"); }};
destination d_t {{ file("{dir}/t.log" template("$ISODATE $HOST $PROGRAM[$PID] $MSG ${{.SDATA.a@1.b}}\\n")); }};
destination d_py {{ python(class("ordering.Count")); }};
log {{ source(s_net); source(s_in); destination(d_f); destination(d_t); }};
log {{ source(s_py); parser(p_py); destination(d_py); destination(d_f); flags(flow-control); }};
"""

PLUGIN = '''
import syslogng, threading
class Numbers(syslogng.LogSource):
    def init(self, options):
        self.stop = threading.Event()
        return True
    def run(self):
        n = 0
        while not self.stop.is_set() and n < 20000:
            n += 1
            self.post_message(syslogng.LogMessage("number %d" % n))
        self.stop.wait()
    def request_exit(self):
        self.stop.set()
class Tag(syslogng.LogParser):
    def parse(self, msg):
        msg["tagged"] = "yes"
        return True
class Count(syslogng.LogDestination):
    def init(self, options):
        self.n = 0
        return True
    def send(self, msg):
        self.n += 1
        return True
'''


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_listening(port, timeout=120):
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.5)
    return False


def run_workload(d):
    tcp, udp, rfc5424 = free_port(), free_port(socket.SOCK_DGRAM), free_port()
    with open(os.path.join(d, "c.conf"), "w") as f:
        f.write(CONFIG.format(tcp=tcp, udp=udp, rfc5424=rfc5424, dir=d))
    with open(os.path.join(d, "ordering.py"), "w") as f:
        f.write(PLUGIN)
    out = os.path.join(d, "callgrind.out")
    env = dict(os.environ, PYTHONPATH=d, SYSLOG_SWIFT_PYTHON_DIR=os.path.join(ROOT, "python"))
    # valgrind 3.19 cannot read clang's DWARF 5: a copy without debug info (symbols kept).
    binary = os.path.join(d, "syslog-swift")
    subprocess.run(["objcopy", "--strip-debug", BINARY, binary], check=True)
    cmd = ["valgrind", "--tool=callgrind", "--demangle=no", "--callgrind-out-file=" + out,
           binary, "-F", "-e", "-f", os.path.join(d, "c.conf"), "-R", os.path.join(d, "p"),
           "-p", os.path.join(d, "pid"), "-c", os.path.join(d, "ctl"), "--no-caps"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(d, "stderr"), "w"), env=env)
    if not wait_listening(tcp) or not wait_listening(rfc5424):
        p.kill()
        sys.exit("the daemon did not listen:\n" + open(os.path.join(d, "stderr")).read()[-3000:])
    line = b"<13>Dec  1 10:00:00 host prog[42]: a message of about the benchmark's length " + b"x" * 200 + b"\n"
    s = socket.create_connection(("127.0.0.1", tcp))
    for _ in range(20):
        s.sendall(line * 500)
    s.close()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(2000):
        u.sendto(line, ("127.0.0.1", udp))
    rec = b'<165>1 2026-12-01T10:00:00.000Z host app 1 ID [a@1 b="c"] an RFC 5424 message'
    s = socket.create_connection(("127.0.0.1", rfc5424))
    s.sendall((b"%d " % len(rec) + rec) * 2000)
    s.close()
    p.stdin.write(line * 2000)
    p.stdin.flush()
    time.sleep(10)
    p.send_signal(signal.SIGHUP)
    time.sleep(10)
    s = socket.create_connection(("127.0.0.1", tcp))
    s.sendall(line * 2000)
    s.close()
    time.sleep(5)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=300)
    return out


def self_costs(path):
    """Each function's own instruction count (cost lines, not call costs)."""
    names, costs = {}, {}
    fn = None
    skip_next = False
    ref = re.compile(r"\((\d+)\)(?: (.*))?")
    with open(path, errors="replace") as f:
        for line in f:
            if skip_next:
                skip_next = False
                continue
            if line.startswith("fn="):
                m = ref.match(line[3:].strip())
                if m:
                    fid = m.group(1)
                    if m.group(2):
                        names[fid] = m.group(2)
                    fn = fid
                else:
                    fn = line[3:].strip()
                    names[fn] = fn
            elif line.startswith(("cfn=", "cfi=", "cfl=", "cob=")):
                m = ref.match(line[4:].strip())
                if m and m.group(2):
                    if line.startswith("cfn="):
                        names[m.group(1)] = m.group(2)
            elif line.startswith("calls="):
                skip_next = True
            elif fn is not None and line[:1] in "0123456789+-*":
                parts = line.split()
                if len(parts) >= 2 and parts[1].isdigit():
                    costs[fn] = costs.get(fn, 0) + int(parts[1])
    return {names.get(k, k): v for k, v in costs.items() if v > 0}


def main():
    if not os.path.exists(BINARY):
        sys.exit("build it first: swift build -c release --product syslog-swift")
    binary_symbols = set()
    nm = subprocess.run(["nm", "--defined-only", BINARY], capture_output=True, text=True).stdout
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            binary_symbols.add(parts[2])
    with tempfile.TemporaryDirectory(prefix="symbol-order-") as d:
        costs = self_costs(run_workload(d))
    ran = sorted((c, n) for n, c in costs.items() if n in binary_symbols)
    ran.reverse()
    with open(OUT, "w") as f:
        for _, n in ran:
            f.write(n + "\n")
    print("%d functions of %d ran; written to %s" % (len(ran), len(binary_symbols), OUT))


if __name__ == "__main__":
    main()
