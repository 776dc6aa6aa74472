"""``LogTemplate``: a syslog-ng template usable from Python (native inside the daemon)."""
from .native import _syslogng

LTZ_LOCAL = 0
LTZ_SEND = 1

if _syslogng is not None:
    LogTemplate = _syslogng.LogTemplate
    LogTemplateException = _syslogng.LogTemplateException
else:
    class LogTemplateException(Exception):
        pass

    class LogTemplate:
        """Stand-in: keeps the text; format() substitutes $NAME/${NAME} from the message."""

        def __init__(self, template, options=None):
            if not isinstance(template, str):
                raise TypeError("LogTemplate() expects the template as a str")
            self._text = template

        def __str__(self):
            return self._text

        def format(self, msg, options=None, tz=LTZ_SEND, seqnum=0):
            import re

            def value(m):
                v = msg.get(m.group(1) or m.group(2), b"")
                return v.decode() if isinstance(v, bytes) else str(v)
            return re.sub(r"\$\{([^}]+)\}|\$([A-Za-z_][A-Za-z0-9_.]*)", value, self._text).encode()
