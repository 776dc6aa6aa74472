"""The pure-Python stand-ins ``syslogng`` falls back to outside the daemon (plugin unit tests).

They must behave like the daemon's native objects where a plugin can observe it: value typing,
error types and texts, read-only messages after posting.
"""
import datetime
import enum
import os
import subprocess
import sys
import warnings

import pytest

from conftest import PACKAGE_ROOT

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import syslogng
from syslogng import LogFetcher, LogMessage, LogSource, Logger
from syslogng.source import LogFetcherResult


def test_import_outside_daemon_warns():
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    proc = subprocess.run([sys.executable, "-W", "always", "-c", "import syslogng; print(syslogng.running_in_daemon)"],
                          env=env, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
    assert "UserWarning" in proc.stderr
    assert "not running inside syslog-swift" in proc.stderr


def test_not_running_in_daemon():
    assert syslogng.running_in_daemon is False


# LogMessage typing (spec 7.4, LM-01/LM-04/LM-06)

ROUND_TRIPS = [
    ("almafa", b"almafa", "almafa"),
    (b"kortefa", b"kortefa", "kortefa"),
    (42, 42, "42"),
    (-42, -42, "-42"),
    (6.9, 6.9, "6.9"),
    (True, True, "true"),
    (False, False, "false"),
    (None, None, ""),
    (["a,", " b", b"c"], [b"a,", b" b", b"c"], '"a,"," b",c'),
    ([], [], ""),
]


@pytest.mark.parametrize("value,read_back,text", ROUND_TRIPS)
def test_typed_round_trip(value, read_back, text):
    msg = LogMessage()
    msg["key"] = value
    got = msg["key"]
    assert got == read_back
    assert type(got) is type(read_back)
    assert msg.get("key") == read_back
    assert msg.get_as_str("key") == text


def test_float_keeps_six_decimals():
    msg = LogMessage()
    msg["f"] = 1.23456789
    assert msg["f"] == 1.234568
    assert msg.get_as_str("f") == "1.234568"


def test_datetime_round_trip_is_naive_local_with_milliseconds():
    msg = LogMessage()
    naive = datetime.datetime(2022, 10, 4, 14, 48, 12, 123456)
    msg["d"] = naive
    assert msg["d"] == datetime.datetime(2022, 10, 4, 14, 48, 12, 123000)
    assert msg.get_as_str("d") == "%d.123" % int(naive.timestamp())
    aware = datetime.datetime(2022, 10, 4, 14, 48, 12, 123000, tzinfo=datetime.timezone.utc)
    msg["u"] = aware
    assert msg.get_as_str("u") == "1664894892.123"
    assert msg["u"] == aware.astimezone().replace(tzinfo=None)


class Color(enum.IntEnum):
    RED = 1


@pytest.mark.parametrize("value", [{"a": 1}, (1, 2), {1}, Color.RED, object()])
def test_unsupported_types_raise_value_error(value):
    with pytest.raises(ValueError, match="Error extracting value from Python object"):
        LogMessage()["x"] = value


def test_list_with_non_string_raises_value_error():
    with pytest.raises(ValueError):
        LogMessage()["l"] = ["a", 1]


def test_int_out_of_range_raises_overflow_error():
    msg = LogMessage()
    msg["max"] = 2 ** 63 - 1
    with pytest.raises(OverflowError):
        msg["big"] = 2 ** 70


# mapping protocol and errors (LM-02, LM-05, LM-07, LM-17, LM-18, LM-21, LM-30)

def test_unset_key_raises_key_error_with_text():
    with pytest.raises(KeyError) as info:
        LogMessage()["nonexistent"]
    assert info.value.args == ("No such name-value pair nonexistent",)


def test_get_and_get_as_str_defaults():
    msg = LogMessage("x")
    assert msg.get("nonexistent") is None
    assert msg.get("nonexistent", default=-1) == -1
    assert msg.get("MESSAGE", "def") == b"x"
    assert msg.get_as_str("nonexistent") is None
    assert msg.get_as_str("nonexistent", default="default", encoding="utf-8", errors="strict") == "default"
    with pytest.raises(TypeError, match="default is not a string object"):
        msg.get_as_str("nonexistent", default=5)


def test_get_as_str_decoding_errors():
    msg = LogMessage()
    msg["raw"] = b"\xff"
    with pytest.raises(UnicodeDecodeError):
        msg.get_as_str("raw")
    assert msg.get_as_str("raw", errors="replace") == "\ufffd"


def test_keys_must_be_strings():
    msg = LogMessage()
    with pytest.raises(TypeError, match="key is not a string object"):
        msg[1] = "x"
    with pytest.raises(TypeError, match="key is not a string object"):
        msg[1]
    msg[b"bkey"] = "v"
    assert msg["bkey"] == b"v"


def test_not_iterable_no_len_no_delete():
    msg = LogMessage("x")
    with pytest.raises(TypeError):
        "x" in msg
    with pytest.raises(TypeError):
        len(msg)
    with pytest.raises(TypeError):
        iter(msg)
    with pytest.raises(TypeError):
        del msg["MESSAGE"]


def test_aliases():
    msg = LogMessage()
    msg["MSG"] = "a"
    assert msg["MESSAGE"] == b"a"
    assert msg["MSGONLY"] == b"a"
    msg["FULLHOST"] = "h"
    assert msg["HOST"] == b"h"


def test_keys_are_bytes():
    msg = LogMessage("x")
    msg["custom"] = 1
    keys = msg.keys()
    assert all(isinstance(k, bytes) for k in keys)
    assert {b"MESSAGE", b"custom"} <= set(keys)


# construction, PRI, timestamps, source address (LM-09, LM-10, LM-11, LM-19, LM-26, LM-28)

def test_construction():
    assert LogMessage("hello")["MESSAGE"] == b"hello"
    assert LogMessage("hello").get_pri() == 13
    assert LogMessage(message="kw")["MESSAGE"] == b"kw"
    text = "árvíztűrőtükörfúrógép"
    assert LogMessage(text)["MESSAGE"] == text.encode("utf-8")
    raw = b"\xc5\xb1\xc3\xba\x00\xe2\x98\x83\n\r\xc5\x91\x00"
    assert LogMessage(raw)["MESSAGE"] == raw
    assert LogMessage().get("MESSAGE") is None


def test_pri():
    msg = LogMessage()
    msg.set_pri(165)
    assert msg.get_pri() == 165
    with pytest.raises(ValueError):
        msg.set_pri(-1)


def test_timestamps():
    msg = LogMessage()
    with pytest.raises(ValueError, match="Error extracting timestamp from value, expected a datetime instance"):
        msg.set_timestamp("2020-01-01")
    minus5 = datetime.timezone(datetime.timedelta(hours=-5))
    msg.set_timestamp(datetime.datetime(2020, 1, 2, 3, 4, 5, 678901, minus5))
    assert msg.get_timestamp() == datetime.datetime(2020, 1, 2, 3, 4, 5, 678901)
    msg.set_timestamp(datetime.datetime(2020, 1, 2, 3, 4, 5))
    assert msg.get_timestamp() == datetime.datetime(2020, 1, 2, 3, 4, 5)


def test_source_ipaddress():
    msg = LogMessage()
    assert msg.set_source_ipaddress("not-an-ip") is False
    assert msg.set_source_ipaddress(None) is False
    assert msg.set_source_ipaddress("::1", 514) is True
    assert msg.set_source_ipaddress(b"10.1.2.3") is True


def test_parse_needs_parse_options():
    with pytest.raises(TypeError, match=r"Parse options \(PyCapsule\) expected in the second parameter"):
        LogMessage.parse("x", None)


# LogSource stand-in (post_message collects into self.posted)

class Collector(LogSource):
    def run(self):
        for i in range(3):
            self.post_message(LogMessage("m%d" % i))

    def request_exit(self):
        pass


def test_post_message_collects_posted():
    src = Collector()
    assert src.init({}) is True
    src.run()
    assert [m["MESSAGE"] for m in src.posted] == [b"m0", b"m1", b"m2"]
    src.post_message(msg=LogMessage("kw"))
    assert src.posted[-1]["MESSAGE"] == b"kw"


def test_post_message_type_error():
    src = Collector()
    with pytest.raises(TypeError, match="LogMessage expected in the first parameter"):
        src.post_message("text")


def test_posted_message_is_read_only():
    src = Collector()
    msg = LogMessage("x")
    src.post_message(msg)
    with pytest.raises(TypeError, match="Log message is read only"):
        msg["MESSAGE"] = "changed"
    with pytest.raises(TypeError, match="Log message is read only"):
        msg.set_pri(3)
    assert msg["MESSAGE"] == b"x"


def test_log_source_defaults():
    src = Collector()
    assert LogSource.flags == {}
    assert LogSource.parse_options is None
    assert src.auto_close_batches is True
    src.auto_close_batches = False
    assert src.auto_close_batches is False
    with pytest.raises(TypeError):
        src.auto_close_batches = 0
    src.close_batch()
    src.set_transport_name("http")
    with pytest.raises(TypeError):
        src.set_transport_name(b"http")
    with pytest.raises(NotImplementedError):
        LogSource().run()
    with pytest.raises(NotImplementedError):
        LogSource().request_exit()
    assert not hasattr(LogSource, "suspend") and not hasattr(LogSource, "wakeup")


# LogFetcher constants (PF-14)

def test_fetcher_constants():
    assert LogFetcher.FETCH_SUCCESS == LogFetcher.SUCCESS == 2
    assert int(LogFetcher.NO_DATA) == 4
    assert isinstance(LogFetcher.ERROR, int)
    assert LogFetcher.ERROR == LogFetcher.FETCH_ERROR == 0
    assert LogFetcher.NOT_CONNECTED == LogFetcher.FETCH_NOT_CONNECTED == 1
    assert LogFetcher.TRY_AGAIN == LogFetcher.FETCH_TRY_AGAIN == 3
    assert LogFetcher.SUCCESS is LogFetcherResult.SUCCESS
    fetcher = LogFetcher()
    assert fetcher.init({}) is True
    assert fetcher.open() is True
    with pytest.raises(NotImplementedError):
        fetcher.fetch()


# Logger (LG-03; stand-in writes to stderr)

def test_logger_writes_to_stderr(capsys):
    log = Logger()
    log.error("err msg")
    log.warning("warn msg")
    log.info("info msg")
    err = capsys.readouterr().err
    assert "err msg;" in err
    assert "warn msg;" in err
    assert "info msg;" in err


def test_logger_needs_str():
    with pytest.raises(TypeError):
        Logger().info(123)


def test_logging_is_not_redirected_outside_daemon():
    import logging
    from syslogng.logger import InternalHandler
    assert InternalHandler is None or not any(isinstance(h, InternalHandler) for h in logging.getLogger().handlers)


# Persist stand-in (PE-01..PE-11 outside the daemon)

@pytest.fixture
def fresh_persist():
    from syslogng import persist
    persist._reset_memory()
    yield
    persist._reset_memory()


def test_persist_roundtrip_and_types(fresh_persist):
    p = syslogng.Persist("pe")
    assert "key" not in p
    p["key"] = "value"
    assert "key" in p and p["key"] == "value"
    p["number"] = 5
    p["bytes"] = b"bytes"
    assert {p[k] for k in p} == {"value", 5, b"bytes"}
    assert sorted(p) == ["bytes", "key", "number"]
    # A new object on the same name sees the values (as after a restart of the daemon).
    assert syslogng.Persist("pe")["number"] == 5


def test_persist_errors(fresh_persist):
    p = syslogng.Persist("pe")
    with pytest.raises(KeyError):
        p["missing"]
    with pytest.raises(ValueError, match="persist name cannot contain ##"):
        syslogng.Persist("a##b")
    with pytest.raises(TypeError, match="Value must be either string, integer or bytes"):
        p["f"] = 1.5
    with pytest.raises(TypeError, match="Value must be either string, integer or bytes"):
        p["b"] = True
    with pytest.raises(TypeError):
        del p["key"]
    with pytest.raises(TypeError, match="key is not a string object"):
        p[5] = "x"


def test_persist_defaults_subclass_and_namespace(fresh_persist):
    class Sub(syslogng.Persist):
        def __init__(self):
            super().__init__(persist_name="foo")

    assert Sub().persist_name == "foo"
    p = syslogng.Persist("pers_x", defaults={"pos": 0})
    assert p["pos"] == 0 and list(p) == ["pos"]
    p["pos"] = 9
    assert syslogng.Persist("pers_x", defaults={"pos": 0})["pos"] == 9
    syslogng.Persist("foo")["k"] = 1
    syslogng.Persist("foobar")["other"] = 2
    assert list(syslogng.Persist("foo")) == ["k"]


# Ack trackers stand-ins (AT-01, AT-02, AT-05/06/08 outside the daemon)

def test_tracker_callable_checks():
    with pytest.raises(TypeError, match=r"A callable object is expected \(ack_callback\)"):
        syslogng.InstantAckTracker(ack_callback=5)
    with pytest.raises(TypeError, match=r"A callable object is expected \(ack_callback\)"):
        syslogng.ConsecutiveAckTracker(5)
    with pytest.raises(TypeError, match=r"A callable object is expected \(batched_ack_callback\)"):
        syslogng.BatchedAckTracker(100, 2, 5)
    assert isinstance(syslogng.InstantAckTracker(print), syslogng.ack.AckTrackerFactory)


class _TrackedSource(LogSource):
    def __init__(self, tracker):
        super().__init__()
        self.ack_tracker = tracker

    def run(self):
        pass

    def request_exit(self):
        pass


def test_trackers_call_back_when_posted():
    got = []
    src = _TrackedSource(syslogng.InstantAckTracker(got.append))
    for i in range(1, 4):
        src.post_message(LogMessage("m", bookmark=i))
    src.post_message(LogMessage("no bookmark"))
    assert got == [1, 2, 3]
    batches = []
    src = _TrackedSource(syslogng.BatchedAckTracker(0, 2, batches.append))
    for i in range(1, 6):
        src.post_message(LogMessage("m", bookmark=i))
    src.ack_tracker._flush()
    assert batches == [[2, 1], [4, 3], [5]]


def test_bookmark_without_tracker_raises():
    src = _TrackedSource(None)
    with pytest.raises(RuntimeError, match="Bookmarks can not be used without creating an AckTracker"):
        src.post_message(LogMessage("m", bookmark=1))


# A fetcher plugin's own unit test, as an author writes it (issue: stand-ins for LogFetcher)

class _SpoolFetcher(LogFetcher):
    def init(self, options):
        self.items = list(options["items"])
        self.persist = syslogng.Persist("spool", defaults={"pos": 0})
        self.ack_tracker = syslogng.ConsecutiveAckTracker(self.saved)
        return True

    def saved(self, pos):
        self.persist["pos"] = pos

    def fetch(self):
        pos = self.persist["pos"]
        if pos >= len(self.items):
            return (LogFetcher.NO_DATA,)
        return (LogFetcher.SUCCESS, LogMessage(self.items[pos], bookmark=pos + 1))


def test_fetcher_unit_test_pattern(fresh_persist):
    f = _SpoolFetcher()
    assert f.init({"items": ["a", "b"]})
    assert f.open() is True
    result, msg = f.fetch()
    assert result == LogFetcher.SUCCESS and msg["MESSAGE"] == b"a"
    f.ack_tracker._ack(msg.bookmark)
    assert syslogng.Persist("spool")["pos"] == 1
    f.set_transport_name("spool")
    assert f.transport_name == "spool"


# LogTemplate stand-in (TP-02, TP-05)

def test_template_needs_options():
    t = syslogng.LogTemplate("${MESSAGE}")
    with pytest.raises(RuntimeError, match="LogTemplateOptions must be provided"):
        t.format(LogMessage("x"))
    assert t.format(LogMessage("x"), syslogng.LogTemplateOptions()) == b"x"
    with pytest.raises(TypeError):
        syslogng.LogTemplate("${PROGRAM}", None)
    with pytest.raises(syslogng.LogTemplateException):
        syslogng.LogTemplate("${incomplete")


def test_module_surface():
    for name in ("LogSource", "LogFetcher", "LogMessage", "LogTemplate", "LogTemplateOptions",
                 "LogTemplateException", "Persist", "Logger", "InstantAckTracker", "ConsecutiveAckTracker",
                 "BatchedAckTracker", "LogFetcherResult"):
        assert hasattr(syslogng, name), name


# IntegerPointer (TP-07): reads the live counter each time

def test_integer_pointer_follows_the_counter():
    from syslogng.integer_pointer import IntegerPointer
    counter = [0]
    p = IntegerPointer(lambda: counter[0])
    assert int(p) == 0 and str(p) == "0" and p == 0 and not p
    counter[0] = 1
    assert int(p) == 1 and p == 1 and p > 0 and p
    assert list(range(5))[p] == 1 and "%d" % p == "1" and p + 1 == 2
    with pytest.raises(TypeError):
        IntegerPointer(5)


# LogDestination / LogParser stand-ins (#9 item 5): plugin unit tests subclass them under pytest

def test_destination_and_parser_bases():
    class Dest(syslogng.LogDestination):
        def send(self, msg):
            return self.QUEUED if msg["MESSAGE"] == b"q" else True

    d = Dest()
    assert d.init({}) is True and d.open() is True
    assert d.send(LogMessage("q")) == syslogng.LogDestination.QUEUED == syslogng.LogDestinationResult.QUEUED == 4
    assert d.send(LogMessage("x")) is True
    assert d.flush() == syslogng.LogDestination.SUCCESS == 3
    assert (syslogng.LogDestination.DROP, syslogng.LogDestination.ERROR, syslogng.LogDestination.NOT_CONNECTED,
            syslogng.LogDestination.RETRY) == (0, 1, 5, 6)
    d.stats_written_bytes_add(10)
    with pytest.raises(TypeError):
        d.stats_written_bytes_add(-1)

    class Parser(syslogng.LogParser):
        def parse(self, msg):
            msg["FOOBAR"] = msg["MESSAGE"]
            return True

    m = LogMessage("hello")
    p = Parser()
    assert p.init({}) is True and p.parse(m) and m["FOOBAR"] == b"hello"
