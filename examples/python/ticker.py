"""An asyncio source: an event loop on run()'s thread posts a message every interval.

request_exit() runs on the daemon's control thread, so it stops the loop thread-safely.
"""
import asyncio

from syslogng import LogMessage, LogSource


class AsyncTicker(LogSource):
    def init(self, options):
        self.interval = float(options.get("interval", 1.0))
        self.loop = None
        self.stop = None
        return True

    async def main(self):
        self.stop = asyncio.Event()
        n = 0
        while not self.stop.is_set():
            n += 1
            msg = LogMessage("tick %d from asyncio" % n)
            msg["PROGRAM"] = "ticker"
            self.post_message(msg)
            try:
                await asyncio.wait_for(self.stop.wait(), self.interval)
            except asyncio.TimeoutError:
                pass

    def run(self):
        self.loop = asyncio.new_event_loop()
        try:
            self.loop.run_until_complete(self.main())
        finally:
            self.loop.close()

    def request_exit(self):
        if self.loop is not None and self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
