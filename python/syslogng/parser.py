"""``LogParser``: the base class of Python parsers (spec section 11).

``parse(msg)`` is required: it gets the path's own, writable copy of the message and returns
True to keep it, False (or raises) to drop it from that log path.
"""


class LogParser:
    def init(self, options):
        return True

    def deinit(self):
        pass
