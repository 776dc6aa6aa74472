"""A destination that batches: send() queues each message as a JSON line, flush() writes the
batch in one go. The daemon acknowledges queued messages when flush() succeeds, so with
flags(flow-control) nothing is lost if a flush fails (the batch is sent again).
Used by examples/python-destination.conf.
"""
import json

from syslogng import LogDestination


class BatchWriter(LogDestination):
    def init(self, options):
        self.path = options["path"]
        self.batch = []
        return True

    def open(self):
        try:
            self.file = open(self.path, "a")
        except OSError:
            return False
        return True

    def send(self, msg):
        self.batch.append(json.dumps({
            "seq": int(self.seqnum),
            "host": msg.get("HOST", b"").decode(),
            "program": msg.get("PROGRAM", b"").decode(),
            "message": msg.get("MESSAGE", b"").decode("utf-8", "replace"),
        }))
        return self.QUEUED

    def flush(self):
        try:
            self.file.write("\n".join(self.batch) + "\n")
            self.file.flush()
        except OSError:
            return self.ERROR
        self.batch = []
        return self.SUCCESS

    def close(self):
        self.file.close()
