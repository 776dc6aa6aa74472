"""``LogDestination``: the base class of Python destinations (spec section 10).

``send(msg)`` is required and returns True (delivered), False (error: retried ``retries()``
times, then dropped) or one of the result constants; ``open()``, ``is_opened()``, ``flush()``,
``close()``, ``init(options)`` and ``deinit()`` are optional. The daemon sets
``self.persist_name``, ``self.template_options`` and ``self.seqnum`` before ``init()``.
"""
import enum

from .plugin import PluginBase


class LogDestinationResult(enum.IntEnum):
    DROP = 0
    ERROR = 1
    EXPLICIT_ACK_MGMT = 2
    SUCCESS = 3
    QUEUED = 4
    NOT_CONNECTED = 5
    RETRY = 6
    MAX = 7


class LogDestination(PluginBase):
    DROP = 0
    ERROR = 1
    SUCCESS = 3
    QUEUED = 4
    NOT_CONNECTED = 5
    RETRY = 6
    MAX = 7


    def open(self):
        return True

    def close(self):
        pass

    def flush(self):
        return self.SUCCESS

    def stats_written_bytes_add(self, n):
        if type(n) is not int or n < 0:
            raise TypeError("stats_written_bytes_add() expects a non-negative int")
        self._written_bytes = getattr(self, "_written_bytes", 0) + n
