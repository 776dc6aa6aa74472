"""Fixture fetchers, ack trackers and Persist users for the PF/AT/PE/TP end-to-end tests.

Like pstest.py, every plugin appends "<key> <value>" lines to the file named by PSTEST_REPORT.
"""
import threading
import time

import syslogng
from pstest import check, note
from syslogng import LogFetcher, LogMessage, Persist


def event(what):
    note("event", "%s %.3f %s" % (what, time.monotonic(), threading.current_thread().name))


class Scripted(LogFetcher):
    """open() answers from options "opens" (T/F words, then True); fetch() follows "script":
    NO_DATA, TRY_AGAIN, ERROR, NOT_CONNECTED, SUCCESS:<text>, SUCCESS_ONLY ((SUCCESS,)),
    SUCCESS_STR ((SUCCESS, "notamsg")), BAD_INT ((99, None)), LIST ([SUCCESS, msg]), RAISE,
    BOOKMARK:<text> (a message with a bookmark); after the script: NO_DATA."""

    def init(self, options):
        self.opens = list(str(options.get("opens", "")).split())
        self.script = list(str(options.get("script", "")).split())
        event("init")
        return True

    def open(self):
        ok = self.opens.pop(0) == "T" if self.opens else True
        event("open %s" % ok)
        return ok

    def fetch(self):
        step = self.script.pop(0) if self.script else "NO_DATA"
        event("fetch %s" % step)
        kind, _, arg = step.partition(":")
        if kind == "NO_DATA":
            return (LogFetcher.NO_DATA, None)
        if kind == "TRY_AGAIN":
            return (LogFetcher.TRY_AGAIN,)
        if kind == "ERROR":
            return (LogFetcher.ERROR, None)
        if kind == "NOT_CONNECTED":
            return (LogFetcher.NOT_CONNECTED, None)
        if kind == "SUCCESS":
            return (LogFetcher.SUCCESS, LogMessage(arg))
        if kind == "SUCCESS_ONLY":
            return (LogFetcher.SUCCESS,)
        if kind == "SUCCESS_STR":
            return (LogFetcher.SUCCESS, "notamsg")
        if kind == "BAD_INT":
            return (99, None)
        if kind == "LIST":
            return [LogFetcher.SUCCESS, LogMessage("listed")]
        if kind == "RAISE":
            raise ValueError("fetch failed on purpose")
        if kind == "BOOKMARK":
            return (LogFetcher.SUCCESS, LogMessage(arg, bookmark=arg))
        raise AssertionError(step)

    def close(self):
        event("close")

    def request_exit(self):
        event("request_exit")

    def deinit(self):
        event("deinit")


class Counter(LogFetcher):
    """SUCCESS with "msg N" for N in 1..count (option), then NO_DATA; open() fails "fail" times."""

    def init(self, options):
        self.count = int(options.get("count", 10))
        self.fail = int(options.get("fail", 0))
        self.n = 0
        self.opens = 0
        return True

    def open(self):
        self.opens += 1
        note("opens", self.opens)
        return self.opens > self.fail

    def fetch(self):
        if self.n >= self.count:
            return (LogFetcher.NO_DATA,)
        self.n += 1
        note("fetched", self.n)
        return (LogFetcher.SUCCESS, LogMessage("msg %d" % self.n))


class Constants(Counter):
    def init(self, options):
        check("constants", lambda: (LogFetcher.FETCH_SUCCESS == LogFetcher.SUCCESS == 2, int(LogFetcher.NO_DATA),
                                    isinstance(LogFetcher.ERROR, int), int(LogFetcher.FETCH_TRY_AGAIN),
                                    int(LogFetcher.NOT_CONNECTED), int(syslogng.LogFetcherResult.ERROR)))
        check("names", lambda: sorted(n for n in ("LogSource", "LogFetcher", "LogMessage", "LogTemplate",
                                                  "LogTemplateOptions", "LogTemplateException", "Persist", "Logger",
                                                  "InstantAckTracker", "ConsecutiveAckTracker",
                                                  "BatchedAckTracker", "LogFetcherResult")
                                       if not hasattr(syslogng, n)))
        return super().init(options)


class Transport(Counter):
    def init(self, options):
        if options.get("transport"):
            self.set_transport_name(options["transport"])
        return super().init(options)


class Named(Counter):
    @staticmethod
    def generate_persist_name(options):
        return options.get("name", "value")

    def init(self, options):
        note("persist_name", self.persist_name)
        return super().init(options)


class NoFetch(LogFetcher):
    pass


class NotAFetcher(syslogng.LogSource):
    def fetch(self):
        return (LogFetcher.NO_DATA,)


# Ack trackers ------------------------------------------------------------------------------

class Tracked(LogFetcher):
    """Posts bookmarks 1..count (messages "ev N"), with the tracker named by option "tracker"
    (instant, consecutive, batched[:timeout:size]); reports each callback and its thread."""

    def init(self, options):
        self.count = int(options.get("count", 5))
        self.n = 0
        kind = str(options.get("tracker", "instant"))
        self.nobookmark = str(options.get("nobookmark", "")).split()
        if kind == "instant":
            self.ack_tracker = syslogng.InstantAckTracker(self.acked)
        elif kind == "consecutive":
            self.ack_tracker = syslogng.ConsecutiveAckTracker(ack_callback=self.acked)
        else:
            _, timeout, size = kind.split(":")
            self.ack_tracker = syslogng.BatchedAckTracker(int(timeout), int(size), self.acked)
        return True

    def acked(self, bookmark):
        note("acked", "%r %.3f %s %x" % (bookmark, time.monotonic(), threading.current_thread().name, id(self)))

    def fetch(self):
        if self.n >= self.count:
            return (LogFetcher.NO_DATA,)
        self.n += 1
        if str(self.n) in self.nobookmark:
            return (LogFetcher.SUCCESS, LogMessage("ev %d" % self.n))
        return (LogFetcher.SUCCESS, LogMessage("ev %d" % self.n, bookmark=self.n))

    def deinit(self):
        note("deinit", "%.3f %x" % (time.monotonic(), id(self)))


class BytesBookmark(syslogng.LogSource):
    """AT-04: a server-style source posting one message with a bytes bookmark."""

    def init(self, options):
        self.stop = threading.Event()
        self.ack_tracker = syslogng.InstantAckTracker(self.saved)
        return True

    def saved(self, data):
        note("saved", repr(data))

    def run(self):
        self.post_message(LogMessage("bookmarked", bookmark=b"test-bookmark-data"))
        check("post_plain", lambda: self.post_message(LogMessage("no bookmark")))
        self.stop.wait()

    def request_exit(self):
        self.stop.set()


class SourceBookmarkNoTracker(syslogng.LogSource):
    """PM-14: post_message() of a bookmarked message without a tracker raises."""

    def init(self, options):
        self.stop = threading.Event()
        return True

    def run(self):
        check("pm14", lambda: self.post_message(LogMessage("x", bookmark=1)))
        self.stop.wait()

    def request_exit(self):
        self.stop.set()


class BookmarkNoTracker(LogFetcher):
    def init(self, options):
        self.sent = False
        return True

    def fetch(self):
        if self.sent:
            return (LogFetcher.NO_DATA,)
        self.sent = True
        return (LogFetcher.SUCCESS, LogMessage("with bookmark", bookmark=1))

    def close(self):
        note("close")

    def open(self):
        note("open")
        return True


class BadTracker(Counter):
    def init(self, options):
        self.ack_tracker = object()
        return True


class TrackerChecks(Counter):
    def init(self, options):
        check("instant_type", lambda: type(syslogng.InstantAckTracker(print)).__name__)
        check("instant_base", lambda: isinstance(syslogng.ConsecutiveAckTracker(print),
                                                 syslogng.ack.AckTrackerFactory))
        check("instant_bad", lambda: syslogng.InstantAckTracker(ack_callback=5))
        check("consecutive_bad", lambda: syslogng.ConsecutiveAckTracker(5))
        check("batched_bad", lambda: syslogng.BatchedAckTracker(100, 2, batched_ack_callback=5))
        return super().init(options)


# Persist -----------------------------------------------------------------------------------

class PersistUser(Counter):
    """Runs the Persist checks named by option "checks" in init() and reports the results."""

    def init(self, options):
        for name in str(options.get("checks", "")).split():
            getattr(self, "check_" + name)()
        return super().init(options)

    def check_roundtrip(self):
        p = Persist("pe_rt")
        check("pe02_before", lambda: "key" in p)
        stored = p.get("key")
        if stored is None:
            p["key"] = "value"
        check("pe02_after", lambda: ("key" in p, p["key"]))

    def check_sorted(self):
        p = Persist("pe_sorted")
        for k in ("key3", "key1", "key2"):
            p[k] = k
        check("pe03", lambda: sorted(p))

    def check_types(self):
        p = Persist("pe_types")
        p["str"] = "value"
        p["number"] = 5
        check("pe04", lambda: (p["str"], p["number"]))
        p2 = Persist("pe_types6")
        p2["integer"] = 1
        p2["str"] = "str"
        p2["bytes"] = b"bytes"
        check("pe06", lambda: sorted(repr(p2[k]) for k in p2))

    def check_errors(self):
        p = Persist("pe_err")
        check("pe05", lambda: p["missing"])
        check("pe07", lambda: Persist("a##b"))
        check("pe09", lambda: p.__setitem__("f", 1.5))
        check("pe09_bool", lambda: p.__setitem__("b", True))
        check("pe_del", lambda: p.__delitem__("x"))
        check("pe_key", lambda: p.__setitem__(5, "x"))

    def check_subclass(self):
        class Sub(Persist):
            def __init__(self):
                super().__init__(persist_name="foo")
        check("pe01", lambda: Sub().persist_name)

    def check_defaults(self):
        p = Persist("pers_x", defaults={"pos": 0})
        check("pe10", lambda: (p["pos"], list(p)))
        p["pos"] = 7
        check("pe10_kept", lambda: Persist("pers_x", defaults={"pos": 0})["pos"])

    def check_namespace(self):
        a = Persist("foo")
        b = Persist("foobar")
        a["k"] = 1
        b["k"] = 2
        b["other"] = 3
        check("pe11", lambda: list(Persist("foo")))

    def check_counter(self):
        p = Persist("pe_counter", defaults={"runs": 0})
        p["runs"] = p["runs"] + 1
        note("runs", p["runs"])


# Templates ---------------------------------------------------------------------------------

class Templates(Counter):
    def open(self):
        # parse_options is set after init(): the checks run on the fetcher's thread.
        if getattr(self, "checked", False):
            return True
        self.checked = True
        msg = LogMessage.parse("<38>2018-07-20T00:00:00+00:00 localhost prg00000[1234]: test", self.parse_options)
        opts = syslogng.LogTemplateOptions()
        check("tp01", lambda: syslogng.LogTemplate("${PROGRAM}").format(msg, opts))
        check("tp02", lambda: syslogng.LogTemplate("${S_STAMP} | ${SEQNUM}").format(msg))
        check("tp03", lambda: syslogng.LogTemplate("${S_STAMP} | ${SEQNUM}").format(msg, opts, tz=1, seqnum=10))
        check("tp03_ctor", lambda: syslogng.LogTemplate("${S_STAMP} | ${SEQNUM}", opts).format(msg, seqnum=3))
        check("tp04", lambda: syslogng.LogTemplate("${incomplete"))
        check("tp04_type", lambda: issubclass(syslogng.LogTemplateException, Exception))
        check("tp05", lambda: syslogng.LogTemplate("${PROGRAM}", None))
        check("tp06", lambda: (syslogng.get_installation_path_for("/foo/bar"),
                               syslogng.get_installation_path_for("${prefix}/foo/bar")))
        check("tp_str", lambda: str(syslogng.LogTemplate("${PROGRAM} x")))
        from syslogng.integer_pointer import IntegerPointer
        counter = [0]
        pointer = IntegerPointer(lambda: counter[0])
        before = int(pointer)
        counter[0] = 1
        check("tp07", lambda: (before, int(pointer), "%d" % pointer, [10, 11][pointer]))
        return True


# The end-to-end kill -9 test's fetcher ------------------------------------------------------

class Numbered(LogFetcher):
    """Reads events 1..total from a fixture "API" (a counter), resumes after the last
    acknowledged one (kept in Persist by a ConsecutiveAckTracker callback)."""

    def init(self, options):
        self.total = int(options["total"])
        self.persist = Persist("numbered", defaults={"acked": 0})
        self.next = self.persist["acked"] + 1
        note("start", self.next)
        self.ack_tracker = syslogng.ConsecutiveAckTracker(self.acked)
        return True

    def acked(self, bookmark):
        self.persist["acked"] = bookmark

    def fetch(self):
        if self.next > self.total:
            return (LogFetcher.NO_DATA,)
        n = self.next
        self.next += 1
        return (LogFetcher.SUCCESS, LogMessage("event %d" % n, bookmark=n))


class Fast(LogFetcher):
    """One message per fetch() as fast as possible (the benchmark's fetcher shape)."""

    def init(self, options):
        self.count = int(options.get("count", 1000))
        self.n = 0
        return True

    def fetch(self):
        if self.n >= self.count:
            return (LogFetcher.NO_DATA,)
        self.n += 1
        return (LogFetcher.SUCCESS, LogMessage("fast %d" % self.n))


class ThenSlow(LogFetcher):
    """One message at once, then a fetch() that blocks until request_exit() (an API call)."""

    def init(self, options):
        self.exit = threading.Event()
        self.sent = False
        return True

    def fetch(self):
        if not self.sent:
            self.sent = True
            note("posted", "%.3f" % time.time())
            return (LogFetcher.SUCCESS, LogMessage("first"))
        self.exit.wait(10)
        return (LogFetcher.NO_DATA,)

    def request_exit(self):
        self.exit.set()


def template_function(msg):
    """$(python pftest.template_function): a dotted name is imported."""
    return "from module " + msg["MESSAGE"].decode()


class NonBlockingTracked(syslogng.LogSource):
    """Non-blocking (suspend/wakeup) with a consecutive tracker, posting past its window on
    purpose: the daemon drops those posts; the tracker must not stall on them."""

    def init(self, options):
        self.stop = threading.Event()
        self.ack_tracker = syslogng.ConsecutiveAckTracker(self.acked)
        self.last = 0
        return True

    def acked(self, bookmark):
        self.last = bookmark
        note("last_acked", bookmark)

    def suspend(self):
        pass

    def wakeup(self):
        pass

    def run(self):
        for i in range(1, 3001):
            self.post_message(LogMessage("nb %d" % i, bookmark=i))
        note("posted_all")
        self.stop.wait()

    def request_exit(self):
        self.stop.set()


_global_count = [0]


class GlobalCounter(LogFetcher):
    """Like Counter, but the numbers go on across reloads (module state): every message of the
    process has a number of its own, up to option "total"."""

    def init(self, options):
        self.total = int(options.get("total", 100))
        return True

    def fetch(self):
        if _global_count[0] >= self.total:
            return (LogFetcher.NO_DATA,)
        _global_count[0] += 1
        return (LogFetcher.SUCCESS, LogMessage("msg %d" % _global_count[0]))
