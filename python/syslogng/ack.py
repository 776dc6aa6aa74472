"""Acknowledgement trackers (spec section 5.2): ``self.ack_tracker`` of a source or fetcher.

Inside the daemon the tracker's callbacks run on a daemon thread with the GIL held once the
pipeline has acknowledged the messages. Outside it (unit tests) the stand-in LogSource
acknowledges a message as soon as it is posted, so the callbacks run right away.
"""
import threading


class AckTrackerFactory:
    """Base of the tracker classes (``isinstance`` is how the daemon recognises them)."""

    _kind = None

    @staticmethod
    def _check(callback, name):
        if not callable(callback):
            raise TypeError("A callable object is expected (%s)" % name)
        return callback

    # Stand-in delivery (outside the daemon).
    def _ack(self, bookmark):
        raise NotImplementedError

    def _flush(self):
        pass


class InstantAckTracker(AckTrackerFactory):
    """``ack_callback(bookmark)`` once per acknowledged message, in acknowledgement order."""

    _kind = "instant"

    def __init__(self, ack_callback):
        self._callback = self._check(ack_callback, "ack_callback")

    def _ack(self, bookmark):
        if bookmark is not None:
            self._callback(bookmark)


class ConsecutiveAckTracker(InstantAckTracker):
    """``ack_callback(bookmark)`` with the last bookmark of each acknowledged prefix (the
    stand-in acknowledges in posting order, so that is every bookmark)."""

    _kind = "consecutive"


class BatchedAckTracker(AckTrackerFactory):
    """``batched_ack_callback(list)`` every ``batch_size`` acks and every ``timeout`` ms for a
    partial batch; the list is newest first. Partial batches are flushed at deinit."""

    _kind = "batched"

    def __init__(self, timeout, batch_size, batched_ack_callback):
        for name, v in (("timeout", timeout), ("batch_size", batch_size)):
            if type(v) is not int or v < 0:
                raise TypeError("%s must be a non-negative int" % name)
        self._timeout = timeout
        self._batch_size = batch_size
        self._callback = self._check(batched_ack_callback, "batched_ack_callback")
        self._pending = []
        self._timer = None
        self._lock = threading.Lock()

    def _ack(self, bookmark):
        with self._lock:
            if bookmark is not None:
                self._pending.append(bookmark)
            full = self._batch_size and len(self._pending) >= self._batch_size
            batch = self._take() if full else None
            if not full and self._pending and self._timeout and self._timer is None:
                self._timer = threading.Timer(self._timeout / 1000.0, self._flush)
                self._timer.daemon = True
                self._timer.start()
        if batch:
            self._callback(batch)

    def _take(self):
        batch = list(reversed(self._pending))
        self._pending = []
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        return batch

    def _flush(self):
        with self._lock:
            batch = self._take() if self._pending else None
            self._timer = None
        if batch:
            self._callback(batch)
