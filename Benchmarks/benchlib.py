"""Helpers the A/B benchmark scripts share: load generators and /proc readings."""
import os

# A busy loop (--hog) and a process rewriting a 256 MiB file with fdatasync (--io-hog).
HOG_CPU = "while True: pass"
HOG_IO = ("import os,sys\nb=b'x'*(1<<20)\nwhile True:\n f=open(sys.argv[1],'wb')\n"
          " for i in range(256):\n  f.write(b)\n os.fdatasync(f.fileno()); f.close()\n")


def proc_stat(pid):
    """(peak RSS KiB, CPU seconds) of a running process; zeros once it is gone."""
    peak, cpu = 0, 0.0
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1])
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        pass
    return peak, cpu


def count_lines(path):
    """Lines in a file (0 when it is missing)."""
    try:
        with open(path, "rb") as f:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    except OSError:
        return 0


def daemons(swift_binary):
    """The two daemons of an A/B pair: argv for a configuration and a work directory."""
    return {
        "A syslog-ng": lambda conf, w: ["/usr/sbin/syslog-ng", "-F", "-f", conf, "-R", w + "/persist",
                                        "-p", w + "/pid", "-c", w + "/ctl", "--no-caps"],
        "B swift": lambda conf, w: [swift_binary, "-F", "-f", conf, "-R", w + "/persist", "-p", w + "/pid",
                                    "-c", w + "/ctl"],
    }
