"""The ``syslogng`` package of Syslog-Swift: the Python API for plugins, as AxoSyslog 4.x.

Inside the daemon the classes wrap the native ``_syslogng`` objects. Imported anywhere else
(e.g. a plugin's own unit tests under plain pytest) it falls back to pure-Python stand-ins with
the same names and behaviour, and warns once.
"""
from .native import running_in_daemon
from .message import LogMessage
from .logger import Logger
from .source import LogSource, LogFetcher, LogFetcherResult
from .template import (LogTemplate, LogTemplateOptions, LogTemplateException, LTZ_LOCAL, LTZ_SEND,
                       get_installation_path_for)
from .persist import Persist
from .ack import InstantAckTracker, ConsecutiveAckTracker, BatchedAckTracker
from .destination import LogDestination, LogDestinationResult
from .parser import LogParser

__all__ = ["LogSource", "LogFetcher", "LogFetcherResult", "LogMessage", "Logger", "LogTemplate",
           "LogTemplateOptions", "LogTemplateException", "LTZ_LOCAL", "LTZ_SEND", "Persist",
           "InstantAckTracker", "ConsecutiveAckTracker", "BatchedAckTracker", "get_installation_path_for",
           "LogDestination", "LogDestinationResult", "LogParser",
           "running_in_daemon"]
