"""``Logger`` and the bridge from the standard ``logging`` module into the daemon's log."""
import logging
import sys

from .native import _syslogng

if _syslogng is not None:
    Logger = _syslogng.Logger
else:
    class Logger:
        """Stand-in: writes to stderr what the daemon would log to internal()."""

        def _emit(self, level, text):
            if not isinstance(text, str):
                raise TypeError("Logger methods take exactly one str argument")
            sys.stderr.write("[%s] %s;\n" % (level, text))

        def error(self, text):
            self._emit("error", text)

        def warning(self, text):
            self._emit("warning", text)

        def info(self, text):
            self._emit("info", text)

        def debug(self, text):
            self._emit("debug", text)

        def trace(self, text):
            self._emit("trace", text)


class InternalHandler(logging.Handler):
    """Forwards ``logging`` records as ``python-<logger>: <message>`` to the daemon's log."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self._logger = Logger()

    def emit(self, record):
        try:
            text = "python-%s: %s" % (record.name, record.getMessage())
            if record.levelno >= logging.ERROR:
                self._logger.error(text)
            elif record.levelno >= logging.WARNING:
                self._logger.warning(text)
            elif record.levelno >= logging.INFO:
                self._logger.info(text)
            elif record.levelno >= logging.DEBUG:
                self._logger.debug(text)
            else:
                self._logger.trace(text)
        except Exception:  # never let logging break the plugin
            self.handleError(record)


if _syslogng is not None:
    _root = logging.getLogger()
    if not any(isinstance(h, InternalHandler) for h in _root.handlers):
        _root.setLevel(logging.DEBUG)
        _root.addHandler(InternalHandler())
