"""``IntegerPointer``: an int-like view of a live counter (a destination's ``self.seqnum``).

It reads the counter each time it is used: ``int(p)``, ``operator.index(p)`` (so it works in
``range()``, slicing and ``"%d" % p``), ``str(p)``, comparisons and arithmetic give the value
at that moment.
"""
import functools
import operator


@functools.total_ordering
class IntegerPointer:
    __slots__ = ("_read",)

    def __init__(self, read):
        if not callable(read):
            raise TypeError("IntegerPointer needs a callable that returns the current value")
        self._read = read

    def __int__(self):
        return int(self._read())

    __index__ = __int__

    def __str__(self):
        return str(int(self))

    def __repr__(self):
        return "IntegerPointer(%d)" % int(self)

    def __hash__(self):
        return hash(int(self))

    def __eq__(self, other):
        try:
            return int(self) == operator.index(other)
        except TypeError:
            return NotImplemented

    def __lt__(self, other):
        return int(self) < operator.index(other)

    def __bool__(self):
        return int(self) != 0

    def __add__(self, other):
        return int(self) + other

    __radd__ = __add__

    def __sub__(self, other):
        return int(self) - other

    def __rsub__(self, other):
        return other - int(self)
