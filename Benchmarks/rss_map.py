#!/usr/bin/env python3
"""Where a running daemon's resident memory is: /proc/PID/smaps summed per mapped file
(anonymous memory as [anon], [heap], [stack]), largest first, with VmHWM/VmRSS.

    Benchmarks/rss_map.py PID [PID ...]
"""
import sys
from collections import defaultdict


def summary(pid):
    per = defaultdict(lambda: [0, 0, 0])  # rss, anonymous, private dirty (kB)
    name = None
    with open("/proc/%s/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if "-" in parts[0] and not parts[0].endswith(":"):
                name = parts[5] if len(parts) > 5 else "[anon]"
            elif parts[0] == "Rss:":
                per[name][0] += int(parts[1])
            elif parts[0] == "Anonymous:":
                per[name][1] += int(parts[1])
            elif parts[0] == "Private_Dirty:":
                per[name][2] += int(parts[1])
    status = {}
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem"):
                status[k] = v.strip()
    return per, status


def main():
    for pid in sys.argv[1:]:
        per, status = summary(pid)
        with open("/proc/%s/comm" % pid) as f:
            comm = f.read().strip()
        print("# pid %s (%s): %s" % (pid, comm, ", ".join("%s %s" % kv for kv in status.items())))
        print("%9s %9s %9s  %s" % ("rss kB", "anon kB", "dirty kB", "mapping"))
        for name, (rss, anon, dirty) in sorted(per.items(), key=lambda kv: -kv[1][0]):
            if rss:
                print("%9d %9d %9d  %s" % (rss, anon, dirty, name))


if __name__ == "__main__":
    main()
