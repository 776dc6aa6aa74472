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

    _UNSET = object()

    class LogTemplate:
        """Stand-in: keeps the text; format() substitutes $NAME/${NAME} from the message."""

        def __init__(self, template, options=_UNSET):
            if not isinstance(template, str):
                raise TypeError("LogTemplate() expects the template as a str")
            if options is not _UNSET and not isinstance(options, LogTemplateOptions):
                raise TypeError("LogTemplate() options must be a LogTemplateOptions instance")
            if template.count("${") > template.count("}"):
                raise LogTemplateException("Error compiling template: unterminated ${")
            self._text = template
            self._options = None if options is _UNSET else options

        def __str__(self):
            return self._text

        def format(self, msg, options=None, tz=LTZ_SEND, seqnum=0):
            import re
            if options is None and self._options is None:
                raise RuntimeError("LogTemplateOptions must be provided either in the LogTemplate "
                                   "constructor or as parameter of format")

            def value(m):
                v = msg.get(m.group(1) or m.group(2), b"")
                return v.decode() if isinstance(v, bytes) else str(v)
            return re.sub(r"\$\{([^}]+)\}|\$([A-Za-z_][A-Za-z0-9_.]*)", value, self._text).encode()


class LogTemplateOptions:
    """Template options (send time zone, fraction digits) defaulted from the configuration.

    ``time_zone`` is the send time zone as seconds east of UTC (None: each stamp's own),
    ``frac_digits`` the fraction-of-second digits; both may be changed.
    """

    def __init__(self):
        if _syslogng is not None:
            self.time_zone, self.frac_digits = _syslogng._template_defaults()
        else:
            self.time_zone, self.frac_digits = None, 0


def get_installation_path_for(template):
    """Expands ``${prefix}``, ``${exec_prefix}``, ``${datadir}`` and ``${moduledir}``."""
    if _syslogng is not None:
        return _syslogng._installation_path_for(template)
    import os
    import sys
    prefix = sys.prefix
    return (template.replace("${exec_prefix}", prefix).replace("${prefix}", prefix)
            .replace("${datadir}", os.path.join(prefix, "share"))
            .replace("${moduledir}", os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
