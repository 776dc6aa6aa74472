"""A fetcher that follows a JSON-lines spool file and remembers where it is.

Each line of the spool is one event (a JSON object; its "message" becomes $MSG, the other keys
name-value pairs). The byte offset after the last event the pipeline has acknowledged is kept in
Persist, so a restart (or a crash) goes on from there: nothing is skipped, and at most
log-iw-size events are repeated. Used by examples/python-fetcher.conf.
"""
import json
import os

import syslogng
from syslogng import LogFetcher, LogMessage


class SpoolFetcher(LogFetcher):
    def init(self, options):
        self.path = options["path"]
        self.position = syslogng.Persist("spool:" + self.path, defaults={"offset": 0})
        self.offset = self.position["offset"]
        self.file = None
        # The position is saved once the destination has written the event (flow control).
        self.ack_tracker = syslogng.ConsecutiveAckTracker(self.acknowledged)
        self.set_transport_name("spool")
        return True

    def acknowledged(self, offset):
        self.position["offset"] = offset

    def open(self):
        try:
            self.file = open(self.path, "rb")
        except OSError:
            return False        # tried again a second later
        self.file.seek(self.offset)
        return True

    def fetch(self):
        line = self.file.readline()
        if not line.endswith(b"\n"):
            # Nothing new (or a line still being written): look again after fetch-no-data-delay().
            self.file.seek(self.offset)
            return (LogFetcher.NO_DATA,)
        self.offset = self.file.tell()
        try:
            event = json.loads(line)
        except ValueError:
            event = {"message": line.decode("utf-8", "replace").rstrip("\n"), "invalid": True}
        msg = LogMessage(str(event.pop("message", "")), bookmark=self.offset)
        for key, value in event.items():
            msg[key] = value if isinstance(value, (str, int, float, bool)) else json.dumps(value)
        return (LogFetcher.SUCCESS, msg)

    def close(self):
        if self.file is not None:
            self.file.close()
            self.file = None
