"""A webhook source: every HTTP POST body becomes a log message (standard library only).

    source s_hook { python(class("webhook.WebhookSource") options("port" => 8081)); };

Feed it with:  curl -d 'hello from curl' http://127.0.0.1:8081/events
"""
import http.server
import threading

from syslogng import LogMessage, LogSource, Logger


class WebhookSource(LogSource):
    def init(self, options):
        self.port = int(options.get("port", 8081))
        self.address = options.get("address", "127.0.0.1")
        self.logger = Logger()
        self.set_transport_name("http")
        source = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                # post_message must be called from run()'s thread: hand the body over.
                source.pending.append((body, self.path, self.client_address[0]))
                source.wake.set()
                self.send_response(202)
                self.end_headers()

            def log_message(self, fmt, *args):
                source.logger.debug("webhook: " + fmt % args)

        self.pending = []
        self.wake = threading.Event()
        self.exit = False
        self.server = http.server.ThreadingHTTPServer((self.address, self.port), Handler)
        self.logger.info("webhook listening on http://%s:%d/" % (self.address, self.port))
        return True

    def run(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        while not self.exit:
            self.wake.wait(0.5)
            self.wake.clear()
            while self.pending:
                body, path, client = self.pending.pop(0)
                msg = LogMessage(body)
                msg["webhook.path"] = path
                msg.set_source_ipaddress(client)
                self.post_message(msg)

    def request_exit(self):
        self.exit = True
        self.wake.set()
        self.server.shutdown()

    def deinit(self):
        self.server.server_close()
