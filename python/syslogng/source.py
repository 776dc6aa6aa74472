"""``LogSource`` (server-style sources) and ``LogFetcher``."""
import enum

from .native import _syslogng
from .plugin import PluginBase


class LogFetcherResult(enum.IntEnum):
    ERROR = 0
    NOT_CONNECTED = 1
    SUCCESS = 2
    TRY_AGAIN = 3
    NO_DATA = 4


if _syslogng is not None:
    _NativeSource = _syslogng.LogSource
else:
    class _NativeSource:
        """Stand-in: collects posted messages in ``self.posted`` so plugins can be unit-tested."""

        _auto_close_batches = True

        @property
        def auto_close_batches(self):
            return self._auto_close_batches

        @auto_close_batches.setter
        def auto_close_batches(self, value):
            if type(value) is not bool:
                raise TypeError("auto_close_batches must be a bool")
            self._auto_close_batches = value

        def post_message(self, msg):
            from .message import LogMessage
            if not isinstance(msg, LogMessage):
                raise TypeError("LogMessage expected in the first parameter")
            tracker = getattr(self, "ack_tracker", None)
            bookmark = getattr(msg, "bookmark", None)
            if tracker is None and bookmark is not None:
                raise RuntimeError("Bookmarks can not be used without creating an AckTracker instance (self.ack_tracker)")
            if not hasattr(self, "posted"):
                self.posted = []
            msg._posted = True
            self.posted.append(msg)
            if tracker is not None:
                # Outside the daemon a posted message counts as delivered at once.
                tracker._ack(bookmark)

        def close_batch(self):
            pass

        def set_transport_name(self, name):
            if not isinstance(name, str):
                raise TypeError("set_transport_name() expects a str")
            self.transport_name = name


class LogSource(_NativeSource, PluginBase):
    """Base class of server-style Python sources: implement ``run()`` and ``request_exit()``."""

    flags = {}
    parse_options = None

    def __init__(self):
        super().__init__()

    def run(self):
        raise NotImplementedError

    def request_exit(self):
        raise NotImplementedError


if _syslogng is not None:
    _NativeFetcher = _syslogng.LogFetcher
else:
    class _NativeFetcher:
        """Stand-in: records the transport name (no daemon to post to)."""

        def set_transport_name(self, name):
            if not isinstance(name, str):
                raise TypeError("set_transport_name() expects a str")
            self.transport_name = name


class LogFetcher(_NativeFetcher, PluginBase):
    """Base class of fetcher-style sources: implement ``fetch()`` returning
    ``(LogFetcher.SUCCESS, LogMessage(...))`` or ``(LogFetcher.NO_DATA,)`` and friends; optional
    ``open()``, ``close()``, ``request_exit()``. The daemon calls ``fetch()`` in a loop on the
    source's own thread (docs/python.md)."""

    ERROR = FETCH_ERROR = LogFetcherResult.ERROR
    NOT_CONNECTED = FETCH_NOT_CONNECTED = LogFetcherResult.NOT_CONNECTED
    SUCCESS = FETCH_SUCCESS = LogFetcherResult.SUCCESS
    TRY_AGAIN = FETCH_TRY_AGAIN = LogFetcherResult.TRY_AGAIN
    NO_DATA = FETCH_NO_DATA = LogFetcherResult.NO_DATA
    flags = {}
    parse_options = None

    def __init__(self):
        super().__init__()

    def open(self):
        return True

    def close(self):
        pass

    def request_exit(self):
        pass

    def fetch(self):
        """Must be overridden; the daemon refuses a fetcher class that does not."""
        raise NotImplementedError

    fetch._syslogng_abstract = True
