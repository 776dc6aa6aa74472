"""Finds the daemon's native ``_syslogng`` module, or says we run outside the daemon."""
import warnings

try:
    import _syslogng  # noqa: F401  (provided by the daemon as a built-in module)
    running_in_daemon = True
except ImportError as _error:
    if "syslog-ng" in __import__("sys").argv[0:1] or _error.name != "_syslogng":
        raise
    _syslogng = None
    running_in_daemon = False
    warnings.warn("syslogng: not running inside syslog-swift; using pure-Python stand-ins", stacklevel=2)
