"""A parser that splits "key=value" words of the message into name-value pairs (typed: numbers
become ints), and a template function that masks all but the last four characters of a value.
Used by examples/python-parser.conf.
"""
from syslogng import LogParser


class KeyValues(LogParser):
    def init(self, options):
        self.prefix = options.get("prefix", "kv.")
        return True

    def parse(self, msg):
        text = msg["MESSAGE"].decode("utf-8", "replace")
        found = False
        for word in text.split():
            key, sep, value = word.partition("=")
            if not sep or not key:
                continue
            msg[self.prefix + key] = int(value) if value.isdigit() else value
            found = True
        return found        # messages without any pair do not continue on this path


def mask(msg, value=b""):
    """$(python enrich.mask "${kv.card}"): all but the last four characters as '*'."""
    text = value.decode("utf-8", "replace")
    return "*" * max(0, len(text) - 4) + text[-4:]
