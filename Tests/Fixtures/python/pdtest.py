"""Fixture destinations for Tests/SyslogDaemonTests/PythonDestinationEndToEndTests.swift.

Like pstest.py, every plugin appends "<key> <value>" lines to the file named by PSTEST_REPORT.
"""
import os
import threading

import syslogng
from pstest import check, note
from syslogng import LogDestination


class Recorder(LogDestination):
    """Reports each sent message ("sent <MESSAGE> <seqnum>") and the lifecycle calls. Option
    "script": results of the first sends (SUCCESS, ERROR, QUEUED, NOT_CONNECTED, DROP, RETRY, NONE,
    FALSE, RAISE, WRITE), then True; "flush": results of flush() calls (then SUCCESS); "open":
    results of open() calls (T, F, NONE), then True; "gate": while this file exists, send()
    answers NOT_CONNECTED; "count_bytes": each sent message's length goes to
    stats_written_bytes_add()."""

    def init(self, options):
        self.script = str(options.get("script", "")).split()
        self.flushes = str(options.get("flush", "")).split()
        self.opens = str(options.get("open", "")).split()
        self.gate = options.get("gate")
        self.count_bytes = bool(options.get("count_bytes", False))
        note("init", "%s %s %s" % (self.persist_name, int(self.seqnum), type(self.template_options).__name__))
        return True

    def open(self):
        step = self.opens.pop(0) if self.opens else "T"
        note("open", step)
        return {"T": True, "F": False, "NONE": None}[step]

    def close(self):
        note("close")

    def send(self, msg):
        text = msg["MESSAGE"].decode()
        if self.gate and os.path.exists(self.gate):
            note("gated", text)
            return self.NOT_CONNECTED
        step = self.script.pop(0) if self.script else "SUCCESS"
        note("send", "%s %s %d" % (text.replace(" ", ""), step, int(self.seqnum)))
        if step == "NONE":
            return None
        if step == "FALSE":
            return False
        if step == "RAISE":
            raise RuntimeError("send failed on purpose")
        if step == "WRITE":
            msg["X"] = "y"
        if step in ("SUCCESS", "WRITE"):
            note("sent", text)
            if self.count_bytes:
                self.stats_written_bytes_add(len(text))
            return True
        if step == "QUEUED":
            note("queued", text)
        return getattr(self, step)

    def flush(self):
        step = self.flushes.pop(0) if self.flushes else "SUCCESS"
        note("flush", step)
        return getattr(self, step)

    def deinit(self):
        note("deinit")


class NotADestination:
    def send(self, msg):
        return True


class NoSend(LogDestination):
    pass


class Counting(LogDestination):
    """Counts messages (the benchmark's destination shape); reports the count at deinit."""

    def init(self, options):
        self.n = 0
        return True

    def send(self, msg):
        self.n += 1
        return True

    def deinit(self):
        note("count", self.n)


class Named(Recorder):
    @staticmethod
    def generate_persist_name(options):
        return options["key"]


# Parsers -----------------------------------------------------------------------------------

class CopyParser(syslogng.LogParser):
    """PP-01: msg['FOOBAR'] = msg['MSG']; typed values reach templates."""

    def init(self, options):
        note("parser_init", id(self))
        return True

    def parse(self, msg):
        msg["FOOBAR"] = msg["MSG"]
        msg["n"] = 5
        return True

    def deinit(self):
        note("parser_deinit", id(self))


class DropOdd(syslogng.LogParser):
    """PP-02: messages whose number is odd do not continue on the path."""

    def parse(self, msg):
        n = int(msg["MESSAGE"].decode().split()[-1])
        if n == 3:
            raise ValueError("parser failed on purpose")
        return n % 2 == 0


class NotAParser:
    def parse(self, msg):
        return True


class FlakyQueued(LogDestination):
    """Fails its first sends, then QUEUED with a flush() that fails once: for the exactly-once
    test across a reload. Reports each delivered message ("delivered <MESSAGE>") at flush."""

    failures = 3
    flush_failures = 1

    def init(self, options):
        self.batch = []
        return True

    def send(self, msg):
        cls = type(self)
        if cls.failures > 0:
            cls.failures -= 1
            return self.ERROR
        self.batch.append(msg["FOOBAR"].decode())
        return self.QUEUED

    def flush(self):
        cls = type(self)
        if cls.flush_failures > 0:
            cls.flush_failures -= 1
            self.batch = []
            return self.ERROR
        for m in self.batch:
            note("delivered", m)
        self.batch = []
        return self.SUCCESS


_local = threading.local()


class ThreadNames(syslogng.LogParser):
    """Reports the Python thread name of each call and a threading.local() counter: a daemon
    thread keeps one thread state, so thread-local data survives from call to call."""

    def parse(self, msg):
        _local.calls = getattr(_local, "calls", 0) + 1
        note("parse_thread", "%s %d" % (threading.current_thread().name, _local.calls))
        return True


class PairsRecorder(LogDestination):
    """DS-01: with value-pairs() send() gets a dict; reports '{DATE} {HOST} {MESSAGE}' and the keys."""

    def send(self, d):
        note("pairs_type", type(d).__name__)
        note("pairs", "%s %s %s" % (d["DATE"].decode(), d["HOST"].decode(), d["MESSAGE"].decode()))
        note("pairs_keys", ",".join(sorted(d)))
        note("pairs_n", repr(d.get("n")))
        return True


class Worker(LogDestination):
    """workers(N): reports its instance at init ("worker_init <id>") and each message it sends
    ("worker_sent <id> <MESSAGE>"); send() sleeps 1 ms (the GIL released, as an HTTP client's
    wait would)."""

    def init(self, options):
        note("worker_init", id(self))
        return True

    def send(self, msg):
        import time
        time.sleep(0.001)
        note("worker_sent", "%d %s" % (id(self), msg["MESSAGE"].decode()))
        return True

    def deinit(self):
        note("worker_deinit", id(self))


def bucket(msg, *args):
    """A partition key for workers(): the message number modulo 4."""
    return str(int(msg["MESSAGE"].decode().split()[-1]) % 4)


class Stamped(LogDestination):
    """Reports each message's $ISODATE formatted with self.template_options ("stamped <text>")."""

    def init(self, options):
        self.template = syslogng.LogTemplate("$ISODATE")
        return True

    def send(self, msg):
        note("stamped", self.template.format(msg, self.template_options).decode())
        return True


class Values(LogDestination):
    """Reports the values named by option "names" (comma separated) of each message:
    "values <repr of each>"."""

    def init(self, options):
        self.names = str(options["names"]).split(",")
        return True

    def send(self, msg):
        note("values", " ".join(repr(msg.get(n)) for n in self.names))
        return True


class Batcher(LogDestination):
    """send() queues ("batch_queued <monotonic time>"), flush() reports the time and the batch
    size ("batch_flush <time> <n>")."""

    def init(self, options):
        self.pending = 0
        return True

    def send(self, msg):
        import time
        self.pending += 1
        note("batch_queued", "%.6f" % time.monotonic())
        return self.QUEUED

    def flush(self):
        import time
        note("batch_flush", "%.6f %d" % (time.monotonic(), self.pending))
        self.pending = 0
        return self.SUCCESS


class DateHostHeaderMessage(LogDestination):
    """DS-01 as the spec writes it: value-pairs(key('MSG') pair('HOST','bzorp') pair('DATE','$ISODATE')
    key('MSGHDR')); send() writes '{DATE} {HOST} {MSGHDR}{MSG}' after decoding each value."""

    def send(self, d):
        v = {k: (x.decode() if isinstance(x, bytes) else str(x)) for k, x in d.items()}
        note("ds01", "%s %s %s%s" % (v.get("DATE", ""), v.get("HOST", ""), v.get("MSGHDR", ""), v.get("MSG", v.get("MESSAGE", ""))))
        return True
