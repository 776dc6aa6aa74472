"""``LogParser``: the base class of Python parsers (spec section 11).

``parse(msg)`` is required: it gets the path's own, writable copy of the message and returns
True to keep it, False (or raises) to drop it from that log path.
"""
from .plugin import PluginBase


class LogParser(PluginBase):
    """Subclass it and define ``parse(self, msg)``."""
