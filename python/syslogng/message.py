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
            if isinstance(value, str):
                return value.encode("utf-8")
            if isinstance(value, bytes):
                return value
            if type(value) in (bool, int, float) or value is None:
                return value
            if type(value) is list:
                out = []
                for item in value:
                    if isinstance(item, str):
                        out.append(item.encode("utf-8"))
                    elif isinstance(item, bytes):
                        out.append(item)
                    else:
                        raise ValueError("Error extracting value from Python object")
                return out
            if isinstance(value, datetime.datetime):
                return value.replace(microsecond=value.microsecond // 1000 * 1000)
            raise ValueError("Error extracting value from Python object")

        def __getitem__(self, key):
            name = self._name(key)
            if name not in self._values:
                raise KeyError("No such name-value pair %s" % name)
            return self._values[name]

        def __setitem__(self, key, value):
            name = self._name(key)
            if self._posted:
                raise TypeError("Log message is read only, cannot set name-value pair %s, the message was already posted" % name)
            self._values[name] = self._store(value)

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
            try:
                value = self[key]
            except KeyError:
                return default
            if isinstance(value, bytes):
                return value.decode(encoding, errors)
            if isinstance(value, bool):
                return "true" if value else "false"
            if value is None:
                return ""
            return str(value)

        def keys(self):
            return [k.encode("utf-8") for k in self._values]

        def set_pri(self, pri):
            self._pri = int(pri)

        def get_pri(self):
            return self._pri

        def set_timestamp(self, dt):
            if not isinstance(dt, datetime.datetime):
                raise ValueError("Error extracting timestamp from value, expected a datetime instance")
            self._stamp = dt

        def get_timestamp(self):
            return self._stamp.replace(tzinfo=None)

        def set_source_ipaddress(self, ip, port=0):
            import ipaddress
            if ip is None:
                return False
            try:
                ipaddress.ip_address(ip.decode() if isinstance(ip, bytes) else ip)
            except ValueError:
                return False
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
