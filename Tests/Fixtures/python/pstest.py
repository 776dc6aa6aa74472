"""Fixture plugins for Tests/SyslogDaemonTests/PythonSourceEndToEndTests.swift.

Every plugin reports what it observes as lines appended to the file named by the environment
variable PSTEST_REPORT ("<key> <value>"); the tests read that file.
"""
import datetime
import enum
import logging
import os
import threading
import time

import _syslogng
import syslogng
from syslogng import LogMessage, LogSource, Logger


def note(key, value=""):
    with open(os.environ["PSTEST_REPORT"], "a") as f:
        f.write("%s %s\n" % (key, value))


def check(key, fn):
    """Reports `key => repr(result)` or `key !! Type: text`."""
    try:
        note(key, "=> %r" % (fn(),))
    except Exception as e:  # the tests compare the exception type and text
        note(key, "!! %s: %s" % (type(e).__name__, e))


def thread_name():
    return threading.current_thread().name


class Idle(LogSource):
    """Runs produce() and then idles until request_exit()."""

    def init(self, options):
        self.stop = threading.Event()
        return self.setup(options)

    def setup(self, options):
        return True

    def produce(self):
        pass

    def run(self):
        self.produce()
        self.stop.wait()

    def request_exit(self):
        self.stop.set()


class Lifecycle(Idle):
    def __init__(self):
        super().__init__()
        note("event", "__init__ " + thread_name())
        note("persist_name_in___init__", hasattr(self, "persist_name") and self.persist_name is not None)
        self.auto_close_batches = False

    def setup(self, options):
        note("event", "init " + thread_name())
        note("options", repr(sorted(options.items())))
        note("persist_name", self.persist_name)
        note("flags", repr(sorted(self.flags.items())))
        note("parse_options_in_init", repr(self.parse_options))
        note("auto_close_batches_in_init", self.auto_close_batches)
        return True

    def produce(self):
        note("event", "run " + thread_name())
        note("parse_options_in_run", type(self.parse_options).__name__)

    def run(self):
        super().run()
        note("event", "run-returned")

    def request_exit(self):
        note("event", "request_exit " + thread_name())
        super().request_exit()

    def deinit(self):
        note("event", "deinit " + thread_name())

    def finalize(self):
        note("event", "finalize " + thread_name())


class RaisingStop(Idle):
    """request_exit(), deinit() and finalize() raising are logged and ignored (spec 3.6)."""

    def request_exit(self):
        super().request_exit()
        raise RuntimeError("request_exit failed")

    def deinit(self):
        raise RuntimeError("deinit failed")

    def finalize(self):
        raise RuntimeError("finalize failed")


class InitFalse(Idle):
    def setup(self, options):
        return False

    def produce(self):
        note("event", "run")

    def deinit(self):
        note("event", "deinit")


class InitNone(Idle):
    def setup(self, options):
        pass

    def produce(self):
        note("event", "run")


class InitRaises(Idle):
    def setup(self, options):
        raise ValueError("bad option")


class NotASource:
    def run(self):
        pass


class NativeNoRun(_syslogng.LogSource):
    def request_exit(self):
        pass


class NoRun(LogSource):
    def request_exit(self):
        pass


class SuspendOnly(Idle):
    def suspend(self):
        pass


class RunPass(LogSource):
    def run(self):
        note("event", "run")

    def request_exit(self):
        note("event", "request_exit")

    def deinit(self):
        note("event", "deinit")


class PostThenRaise(Idle):
    def run(self):
        for i in range(12):
            self.post_message(LogMessage("m%d" % i))
        raise RuntimeError("boom after 12")

    def request_exit(self):
        note("event", "request_exit")


class Generated(Idle):
    @staticmethod
    def generate_persist_name(options):
        return options["key"]

    def setup(self, options):
        note("persist_name", self.persist_name)
        return True


class GeneratedRaises(Generated):
    @staticmethod
    def generate_persist_name(options):
        raise Exception("exception for testing persist")


class SetsPersistName(Idle):
    def setup(self, options):
        self.persist_name = "mine"
        return True


class Flags(Idle):
    def setup(self, options):
        note("flags", repr(sorted(self.flags.items())))
        return True


class Poster(Idle):
    """Posts the messages options describe: n messages "<prefix><i>" with optional fields."""

    def setup(self, options):
        self.opts = options
        if options.get("transport"):
            self.set_transport_name(options["transport"])
        if options.get("batch") is False:
            self.auto_close_batches = False
        return True

    def make(self, i):
        o = self.opts
        m = LogMessage("%s%d" % (o.get("prefix", "msg"), i) if o.get("count", 1) > 1 else o.get("text", "hello"))
        for k in ("HOST", "PROGRAM", "PID", "TRANSPORT"):
            if k in o:
                m[k] = o[k]
        if "pri" in o:
            m.set_pri(o["pri"])
        if "ip" in o:
            m.set_source_ipaddress(o["ip"])
        return m

    def produce(self):
        for i in range(self.opts.get("count", 1)):
            self.post_message(self.make(i))
            note("posted", i)
        if self.opts.get("batch") is False and not self.opts.get("return"):
            self.close_batch()
        note("event", "produced")

    def run(self):
        if self.opts.get("return"):
            self.produce()
            return
        super().run()


class TransportInInit(Idle):
    """set_transport_name() in __init__, before the driver attached (spec PM-12)."""

    def __init__(self):
        super().__init__()
        self.set_transport_name("early")

    def produce(self):
        self.post_message(LogMessage("t"))


class PostLatin1(Idle):
    """Posts text that is not UTF-8 (Latin-1 bytes): it must reach the file verbatim."""

    def produce(self):
        m = LogMessage(b"caf\xe9 latin-1")
        m["EXTRA"] = b"\xff\xfe"
        note("roundtrip", repr((m["MESSAGE"], m["EXTRA"], m.get_as_str("EXTRA", encoding="latin-1"))))
        self.post_message(m)
        note("event", "posted")


class PostOneThenSleep(Idle):
    """Posts one message, notes when, and sleeps (the hot path must still deliver it promptly)."""

    def produce(self):
        time.sleep(0.4)  # the destination's worker has gone to sleep by now
        self.post_message(LogMessage("lonely"))
        note("posted_at", "%.6f" % time.time())


class WindowFill(Idle):
    """Posts `count` messages in non-blocking mode against a destination that never writes (PM-06)."""

    def setup(self, options):
        self.count = options["count"]
        return True

    def produce(self):
        for i in range(self.count):
            self.post_message(LogMessage("w%d" % i))
        note("posted", self.count)

    def suspend(self):
        note("event", "suspend")

    def wakeup(self):
        note("event", "wakeup")


class NonBlocking(Idle):
    """log-iw-size(3) against a destination that does not write yet (spec PM-08, PS-14)."""

    def setup(self, options):
        self.run_thread = None
        return True

    def produce(self):
        self.run_thread = threading.current_thread()
        for i in range(8):
            r = self.post_message(LogMessage("nb%d" % i))
            note("posted", "%d %r" % (i, r))

    def suspend(self):
        note("event", "suspend on-run-thread=%s" % (threading.current_thread() is self.run_thread))

    def wakeup(self):
        note("event", "wakeup on-run-thread=%s" % (threading.current_thread() is self.run_thread))

    def request_exit(self):
        note("event", "request_exit")
        super().request_exit()


class Checks(Idle):
    """Runs the LogMessage/LogSource checks in run() and reports each result."""

    def setup(self, options):
        check("PM-02", lambda: self.post_message(LogMessage("from init")))
        return True

    def produce(self):
        for name in sorted(dir(self)):
            if name.startswith("case_"):
                getattr(self, name)()
        note("done")

    def case_pm(self):
        check("PM-03", lambda: self.post_message("text"))
        check("PM-03b", lambda: self.post_message())
        check("PM-04", lambda: self.post_message(msg=LogMessage("kw")))
        posted = LogMessage("posted")
        self.post_message(posted)
        check("PM-18", lambda: posted.__setitem__("x", "y"))
        check("PM-18-pri", lambda: posted.set_pri(3))
        check("PM-18-ts", lambda: posted.set_timestamp(datetime.datetime(2020, 1, 1)))
        check("PM-18-ip", lambda: posted.set_source_ipaddress("1.2.3.4"))
        check("PM-18-read", lambda: posted["MESSAGE"])
        check("PM-16", lambda: setattr(self, "auto_close_batches", 0))
        check("PM-16-ok", lambda: (setattr(self, "auto_close_batches", True), self.auto_close_batches)[1])
        check("set_transport_name-bytes", lambda: self.set_transport_name(b"x"))
        check("persist_name-readonly", lambda: setattr(self, "persist_name", "x"))

        def other():
            check("PM-01", lambda: self.post_message(LogMessage("other thread")))
            check("PM-15-thread", lambda: self.close_batch())
        t = threading.Thread(target=other)
        t.start()
        t.join()

    def case_lm_typing(self):
        m = LogMessage()
        values = [("s", "almafa"), ("b", b"kortefa"), ("i", 42), ("f", 6.9), ("t", True), ("n", None),
                  ("l", ["a,", " b", b"c"]), ("d", datetime.datetime(2022, 10, 4, 14, 48, 12, 123000))]
        for k, v in values:
            m[k] = v
            check("LM-01-get-" + k, lambda: m[k])
            check("LM-01-get-" + k + "-type", lambda: type(m.get(k)).__name__)
            check("LM-06-" + k, lambda: m.get_as_str(k))
        m["f2"] = 1.23456789
        check("LM-20", lambda: m["f2"])
        check("LM-20-str", lambda: m.get_as_str("f2"))
        check("LM-02", lambda: m["nonexistent"])
        check("LM-05", lambda: m.get("nonexistent", default=-1))
        check("LM-05-none", lambda: m.get("nonexistent"))
        check("LM-05-set", lambda: m.get("s", "def"))
        check("LM-07", lambda: m.get_as_str("nonexistent", default="default", encoding="utf-8", errors="strict"))
        check("LM-07-none", lambda: m.get_as_str("nonexistent"))
        check("LM-07-baddefault", lambda: m.get_as_str("nonexistent", default=5))
        check("LM-17-in", lambda: "x" in m)
        check("LM-17-len", lambda: len(m))

        def delete():
            del m["PROGRAM"]
        check("LM-18", delete)
        check("LM-21-set", lambda: m.__setitem__(1, "x"))
        check("LM-21-get", lambda: m[1])

        class E(enum.IntEnum):
            A = 1
        check("LM-22-dict", lambda: m.__setitem__("x", {"a": 1}))
        check("LM-22-tuple", lambda: m.__setitem__("x", (1, 2)))
        check("LM-22-intenum", lambda: m.__setitem__("x", E.A))
        check("LM-23", lambda: m.__setitem__("x", ["a", 1]))
        check("LM-24", lambda: m.__setitem__("x", 2 ** 70))
        check("LM-25", lambda: LogMessage.parse("x", None))
        check("LM-26", lambda: m.set_timestamp("2020-01-01"))
        check("LM-28-bad", lambda: m.set_source_ipaddress("not-an-ip"))
        check("LM-28-v6", lambda: m.set_source_ipaddress("::1", 514))
        check("LM-28-none", lambda: m.set_source_ipaddress(None))
        check("LM-29", lambda: (m.__setitem__("DATE", "x"), m["DATE"] != b"x", type(m["DATE"]).__name__)[1:])
        check("LM-30", lambda: (m.__setitem__("MSG", "a"), m["MESSAGE"], m["MSGONLY"])[1:])
        check("LM-16", lambda: [k for k in m.keys() if not isinstance(k, bytes)] == []
              and {b"s", b"i", b"MESSAGE", b"DATE", b"ISODATE", b"SOURCEIP", b"PRI"} <= set(m.keys()))

    def case_lm_text(self):
        check("LM-19", lambda: (LogMessage("hello")["MESSAGE"], LogMessage("hello").get_pri()))
        text = "árvíztűrőtükörfúrógép"
        check("LM-09", lambda: (LogMessage(text)["MESSAGE"] == text.encode(),
                                len(LogMessage(text)["MESSAGE"]) == len(text.encode())))
        raw = b"\xc5\xb1\xc3\xba\x00\xe2\x98\x83\n\r\xc5\x91\x00"
        check("LM-10", lambda: LogMessage(raw)["MESSAGE"] == raw)
        check("LM-10-none", lambda: LogMessage(None).get("MESSAGE"))
        m = LogMessage("x")
        check("LM-11", lambda: (m.set_pri(165), m.get_pri())[1])
        check("macro-PRI", lambda: m["PRI"])
        check("macro-FACILITY", lambda: m["FACILITY"])
        check("macro-LEVEL", lambda: m["LEVEL"])
        m.set_timestamp(datetime.datetime.fromtimestamp(1664890194, datetime.timezone.utc))
        check("macro-typed", lambda: (m["SEVERITY_NUM"], m["FACILITY_NUM"], LogMessage().get("TAGS"), m["UNIXTIME"])
              if m.get("TAGS") == b"" else "TAGS not empty")
        check("macro-empty", lambda: LogMessage().get("SDATA"))

        # Every way of calling the constructor (the one-str call has its own fast path).
        class Sub(LogMessage):
            pass
        check("ctor-subclass", lambda: (type(Sub("s")).__name__, Sub("s")["MESSAGE"], isinstance(Sub("s"), LogMessage)))
        check("ctor-keyword", lambda: LogMessage(message="kw")["MESSAGE"])
        check("ctor-bookmark", lambda: LogMessage("bm", bookmark=None)["MESSAGE"])
        check("ctor-empty", lambda: LogMessage().get("MESSAGE"))
        check("ctor-many", lambda: LogMessage("a", None, None))
        check("ctor-badkw", lambda: LogMessage("a", nope=1))
        check("ctor-int", lambda: LogMessage(5))
        check("ctor-str-subclass", lambda: LogMessage(type("S", (str,), {})("sub"))["MESSAGE"])
        check("type-immutable", lambda: setattr(LogMessage, "extra", 1))
        check("many-values", lambda: self.many_values())

    @staticmethod
    def many_values():
        """More name-value pairs than a message keeps inline; removal and order kept."""
        m = LogMessage("base")
        for i in range(10):
            m["k%d" % i] = "v%d" % i
        m["k3"] = "changed"
        return (m["MESSAGE"], m["k0"], m["k3"], m["k9"], [k for k in m.keys() if k.startswith(b"k")])

    def case_lm_time(self):
        m = LogMessage("t")
        utc = datetime.timezone.utc
        check("LM-12", lambda: (m.set_timestamp(datetime.datetime.fromtimestamp(1664890194.123, utc)),
                                m.get_timestamp())[1])
        check("LM-12-bump", lambda: (m.set_timestamp(datetime.datetime.fromtimestamp(1664890195.123, utc)),
                                     m.get_timestamp())[1])
        plus2 = datetime.timezone(datetime.timedelta(hours=2))
        minus5 = datetime.timezone(datetime.timedelta(hours=-5))
        check("LM-27", lambda: (m.set_timestamp(datetime.datetime(2020, 1, 2, 3, 4, 5, 678901, plus2)),
                                m["ISODATE"], m.get_timestamp())[1:])
        check("LM-27-neg", lambda: (m.set_timestamp(datetime.datetime(2020, 1, 2, 3, 4, 5, 678901, minus5)),
                                    m["ISODATE"], m.get_timestamp())[1:])
        check("naive", lambda: (m.set_timestamp(datetime.datetime(2020, 1, 2, 3, 4, 5)),
                                m["ISODATE"], m.get_timestamp())[1:])

    def case_parse(self):
        def fields(p, *names):
            return tuple(p.get(n) for n in names) + (p.get_pri(),)
        check("LM-13", lambda: fields(LogMessage.parse(
            "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", self.parse_options),
            "MESSAGE", "HOST", "PROGRAM"))
        check("LM-15", lambda: fields(LogMessage.parse("garbage without header", self.parse_options), "MESSAGE"))
        check("LM-14", lambda: fields(LogMessage.parse(
            '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] '
            'An application event', self.parse_options), "MESSAGE", "MSGID", "SDATA"))

    def case_logger(self):
        check("LG-03", lambda: Logger().info(123))


class LoggerUser(Idle):
    def produce(self):
        log = Logger()
        log.error("err msg")
        log.warning("warn msg")
        log.info("info msg")
        log.debug("debug msg")
        log.trace("trace msg")
        log.info("semi;colon")
        logging.getLogger("mylog").warning("via logging %d", 5)
        logging.getLogger("mylog").debug("debug via logging")
        note("event", "logged")


class GatedCounter(Idle):
    """Posts "gated 1", "gated 2", … up to the number written in the file named by option
    "gate" (read every 50 ms), so a test decides how many messages exist when."""

    def setup(self, options):
        self.gate = options["gate"]
        return True

    def run(self):
        n = 0
        while not self.stop.is_set():
            try:
                limit = int(open(self.gate).read().strip() or 0)
            except (OSError, ValueError):
                limit = 0
            while n < limit:
                n += 1
                self.post_message(LogMessage("gated %d" % n))
            self.stop.wait(0.05)
