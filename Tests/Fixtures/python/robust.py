"""Fixture plugins for Tests/SyslogDaemonTests/RobustnessEndToEndTests.swift: sources that post
fast across reloads, ignore request_exit(), fail and get restarted, or keep parse_options.

They report what they observe as "<key> <value>" lines in the file $PSTEST_REPORT.
"""
import os
import threading
import time

from syslogng import LogMessage, LogSource


def note(key, value=""):
    with open(os.environ["PSTEST_REPORT"], "a") as f:
        f.write("%s %s\n" % (key, value))


# Survives reloads (the module is imported once): each new instance continues the numbering.
_next_number = 0


class Numbered(LogSource):
    """Posts "n <number>" as fast as it can (bursts of `burst`, a 1 ms pause between them)
    until request_exit(); then posts `after_exit` more numbers before run() returns."""

    def init(self, options):
        self.burst = int(options.get("burst", 500))
        self.after_exit = int(options.get("after_exit", 50))
        self.limit = int(options.get("limit", 0))
        self.exit = threading.Event()
        return True

    def post_next(self):
        global _next_number
        self.post_message(LogMessage("n %d" % _next_number))
        _next_number += 1

    def run(self):
        note("run", _next_number)
        while not self.exit.is_set():
            if self.limit and _next_number >= self.limit:
                self.exit.wait(0.05)
                continue
            for _ in range(self.burst):
                self.post_next()
            time.sleep(0.001)
        # Posted after request_exit(): must be delivered as well.
        for _ in range(self.after_exit):
            self.post_next()
        note("last", _next_number - 1)

    def request_exit(self):
        self.exit.set()


class IgnoresExit(LogSource):
    """run() never returns; after request_exit() it keeps trying to post and notes what
    post_message() does."""

    def init(self, options):
        self.asked = False
        note("init", id(self))
        return True

    def run(self):
        note("run", id(self))
        self.post_message(LogMessage("started %d" % id(self)))
        while True:
            time.sleep(0.1)
            if self.asked:
                try:
                    self.post_message(LogMessage("after exit"))
                    note("post_after_exit", "accepted")
                except Exception as e:
                    note("post_after_exit", "%s: %s" % (type(e).__name__, e))

    def request_exit(self):
        note("request_exit", id(self))
        self.asked = True

    def deinit(self):
        note("deinit", id(self))


_failures = 0


class FailsTwice(LogSource):
    """run() raises the first two times it is called, then posts one message and idles."""

    def init(self, options):
        self.exit = threading.Event()
        return True

    def run(self):
        global _failures
        note("run_start", "%.3f" % time.monotonic())
        if _failures < 2:
            _failures += 1
            raise RuntimeError("failure %d" % _failures)
        self.post_message(LogMessage("running after %d failures" % _failures))
        self.exit.wait()

    def request_exit(self):
        self.exit.set()


class ReturnsEarly(LogSource):
    """run() returns at once every time (counts its runs)."""

    runs = 0

    def run(self):
        ReturnsEarly.runs += 1
        note("run_start", "%.3f" % time.monotonic())
        self.post_message(LogMessage("run %d" % ReturnsEarly.runs))

    def request_exit(self):
        pass


# Every instance's parse_options, kept across reloads.
_kept_options = []


class KeepsParseOptions(LogSource):
    """Keeps self.parse_options of every instance and, in each run(), parses a message with
    each kept capsule (also those of stopped instances); notes the results."""

    def init(self, options):
        self.exit = threading.Event()
        return True

    def run(self):
        _kept_options.append(self.parse_options)
        programs = []
        for opts in _kept_options:
            try:
                msg = LogMessage.parse("<13>Jan  1 00:00:00 host prog%d: text" % len(programs), opts)
                v = msg["PROGRAM"]
                programs.append(v.decode() if isinstance(v, bytes) else str(v))
            except Exception as e:
                programs.append("%s: %s" % (type(e).__name__, e))
        note("parsed", " ".join(programs))
        self.exit.wait()

    def request_exit(self):
        self.exit.set()
