"""``Logger`` and the bridge from the standard ``logging`` module into the daemon's log."""
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


def _make_handler_class(logging):
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

    return InternalHandler


def _install_bridge(logging):
    """Puts the handler on the root logger (once)."""
    global InternalHandler
    if InternalHandler is None:
        InternalHandler = _make_handler_class(logging)
    root = logging.getLogger()
    if not any(isinstance(h, InternalHandler) for h in root.handlers):
        root.setLevel(logging.DEBUG)
        root.addHandler(InternalHandler())


InternalHandler = None


class _BridgeOnImport:
    """A meta-path finder that installs the bridge right after a plugin first imports
    ``logging``: the module (about 3 MiB with what it imports) is loaded only by plugins that
    use it."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(cls)
        import importlib.util
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        original = spec.loader

        class _Loader:
            def create_module(self, spec):
                return original.create_module(spec)

            def exec_module(self, module):
                original.exec_module(module)
                _install_bridge(module)

        spec.loader = _Loader()
        return spec


if _syslogng is not None:
    if "logging" in sys.modules:
        _install_bridge(sys.modules["logging"])
    else:
        sys.meta_path.insert(0, _BridgeOnImport)
