"""``Persist``: a dict-like namespace in the daemon's persist file (spec section 5.3).

Inside the daemon values live in the persist file (``-R``) and survive restarts and reloads.
Outside it (a plugin's unit tests) they live in memory, with the same checks and errors.
"""
from .native import _syslogng

# The stand-in's store outside the daemon: one dict per process, like one persist file.
_memory = {}


class _MemoryBackend:
    @staticmethod
    def open(name):
        return None

    @staticmethod
    def get(key):
        return _memory.get(key)

    @staticmethod
    def set(key, value):
        _memory[key] = value
        return True

    @staticmethod
    def keys(prefix):
        return sorted(k[len(prefix):] for k in _memory if k.startswith(prefix))


class _DaemonBackend:
    open = staticmethod(_syslogng._persist_open) if _syslogng is not None else None
    get = staticmethod(_syslogng._persist_get) if _syslogng is not None else None
    set = staticmethod(_syslogng._persist_set) if _syslogng is not None else None
    keys = staticmethod(_syslogng._persist_keys) if _syslogng is not None else None


_backend = _DaemonBackend if _syslogng is not None else _MemoryBackend


def _reset_memory():
    """Stand-in only: forget everything (as a fresh persist file)."""
    _memory.clear()


def _key(key):
    if isinstance(key, bytes):
        key = key.decode("utf-8")
    if not isinstance(key, str):
        raise TypeError("key is not a string object")
    return key


class Persist:
    """``Persist(persist_name, defaults=None)``: keys are str, values str, int or bytes."""

    def __init__(self, persist_name, defaults=None):
        if not isinstance(persist_name, str):
            raise TypeError("persist name must be a str")
        if "##" in persist_name:
            raise ValueError("persist name cannot contain ##")
        _backend.open(persist_name)
        self.__name = persist_name
        self.__prefix = persist_name + "##"
        if defaults:
            for k, v in dict(defaults).items():
                if k not in self:
                    self[k] = v

    @property
    def persist_name(self):
        return self.__name

    def __getitem__(self, key):
        v = _backend.get(self.__prefix + _key(key))
        if v is None:
            raise KeyError("No such name-value pair %s" % (key,))
        return v

    def __setitem__(self, key, value):
        k = _key(key)
        if type(value) is bool or not isinstance(value, (str, int, bytes)):
            raise TypeError("Value must be either string, integer or bytes")
        if not _backend.set(self.__prefix + k, value):
            raise IOError("value could not be stored")

    def __delitem__(self, key):
        raise TypeError("Persist does not support deleting keys")

    def __len__(self):
        raise TypeError("Persist does not support len()")

    def __contains__(self, key):
        return _backend.get(self.__prefix + _key(key)) is not None

    def __iter__(self):
        return iter(_backend.keys(self.__prefix))

    def keys(self):
        return list(self)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __repr__(self):
        return "Persist(%r)" % (self.__name,)
