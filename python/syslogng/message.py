"""``LogMessage``: the native class inside the daemon, a dict-backed stand-in outside."""
import datetime

from .native import _syslogng

if _syslogng is not None:
    LogMessage = _syslogng.LogMessage
else:
    class LogMessage:
        """Stand-in with the daemon's typing rules: values read back as bytes/int/float/..."""

        _ALIASES = {"MSG": "MESSAGE", "MSGONLY": "MESSAGE", "FULLHOST": "HOST", "FULLHOST_FROM": "HOST_FROM"}

        def __init__(self, message=None, bookmark=None):
            self._values = {}
            self._pri = 13
            self._stamp = datetime.datetime.now()
            self._posted = False
            self.bookmark = bookmark
            if message is not None:
                self["MESSAGE"] = message

        @classmethod
        def _name(cls, key):
            if isinstance(key, bytes):
                key = key.decode("utf-8", "replace")
            if not isinstance(key, str):
                raise TypeError("key is not a string object")
            return cls._ALIASES.get(key, key)

        @staticmethod
        def _store(value):
            """The daemon's typing (spec section 7.4): exact types only, as stored values."""
            if isinstance(value, str):
                return value.encode("utf-8")
            if isinstance(value, bytes):
                return value
            if type(value) is bool or value is None:
                return value
            if type(value) is int:
                if not -2 ** 63 <= value < 2 ** 63:
                    raise OverflowError("Python int too large to convert to a 64-bit integer")
                return value
            if type(value) is float:
                # Stored as C "%f" text: 6 decimals survive.
                return float("%f" % value) if value == value and abs(value) != float("inf") else value
            if type(value) is list:
                out = []
                for item in value:
                    if isinstance(item, str):
                        out.append(item.encode("utf-8"))
                    elif isinstance(item, bytes):
                        out.append(item)
                    else:
                        raise ValueError("Error extracting value from Python object, list elements must be str or bytes")
                return out
            if isinstance(value, datetime.datetime):
                # Seconds since the epoch, millisecond precision; naive means local time.
                return _Stamp(int(value.timestamp() // 1), value.microsecond // 1000)
            raise ValueError("Error extracting value from Python object")

        __iter__ = None  # like the daemon: not iterable, no `in`, no len()

        def __contains__(self, key):
            raise TypeError("argument of type 'LogMessage' is not iterable")

        def __getitem__(self, key):
            name = self._name(key)
            if name not in self._values:
                raise KeyError("No such name-value pair %s" % name)
            value = self._values[name]
            if isinstance(value, _Stamp):
                return datetime.datetime.fromtimestamp(value.seconds + value.millis / 1000.0).replace(
                    microsecond=value.millis * 1000)
            if isinstance(value, list):
                return list(value)
            return value

        def __setitem__(self, key, value):
            name = self._name(key)
            self._check_writable("name-value pair %s" % name)
            self._values[name] = self._store(value)

        def _check_writable(self, what):
            if self._posted:
                raise TypeError("Log message is read only, cannot set %s, the message was already posted" % what)

        def __delitem__(self, key):
            raise TypeError("LogMessage does not support deleting name-value pairs")

        def get(self, key, default=None):
            try:
                return self[key]
            except KeyError:
                return default

        def get_as_str(self, key, default=None, encoding="utf-8", errors="strict", repr="internal"):
            if default is not None and not isinstance(default, str):
                raise TypeError("default is not a string object")
            name = self._name(key)
            if name not in self._values:
                return default
            return _text(self._values[name]).decode(encoding, errors)

        def keys(self):
            return [k.encode("utf-8") for k in self._values]

        def set_pri(self, pri):
            pri = int(pri)
            if not 0 <= pri < 65536:
                raise ValueError("pri must be between 0 and 65535")
            self._check_writable("PRI")
            self._pri = pri

        def get_pri(self):
            return self._pri

        def set_timestamp(self, dt):
            if not isinstance(dt, datetime.datetime):
                raise ValueError("Error extracting timestamp from value, expected a datetime instance")
            self._check_writable("the timestamp")
            self._stamp = dt

        def get_timestamp(self):
            """Naive wall-clock time in the stamp's own offset (naive stamps are local time)."""
            return self._stamp.replace(tzinfo=None)

        def set_source_ipaddress(self, ip, port=0):
            import ipaddress
            if ip is None:
                return False
            try:
                ipaddress.ip_address(ip.decode() if isinstance(ip, bytes) else ip)
            except ValueError:
                return False
            self._check_writable("the source address")
            self._source = ip
            return True

        def set_recvd_rawmsg_size(self, size):
            self._rawsize = int(size)

        def set_bookmark(self, bookmark):
            self.bookmark = bookmark

        @staticmethod
        def parse(raw_msg, parse_options):
            if parse_options is None:
                raise TypeError("Parse options (PyCapsule) expected in the second parameter")
            return LogMessage(raw_msg)


    class _Stamp:
        """A stored datetime value: seconds since the epoch and milliseconds."""

        __slots__ = ("seconds", "millis")

        def __init__(self, seconds, millis):
            self.seconds = seconds
            self.millis = millis

    def _text(value):
        """The stored text of a value, as the daemon renders it."""
        if isinstance(value, bytes):
            return value
        if isinstance(value, bool):
            return b"true" if value else b"false"
        if value is None:
            return b""
        if isinstance(value, _Stamp):
            return b"%d.%03d" % (value.seconds, value.millis)
        if isinstance(value, list):
            return b",".join(_quote(item) for item in value)
        return str(value).encode("ascii")

    def _quote(item):
        if item and not any(c in item for c in b',"\' \\'):
            return item
        return b'"' + item.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'
