"""A loopback HTTP server that answers POSTs with a scripted list of statuses (the last one repeats).

Usage: python3 scripted_server.py 503 503 200
Prints {"endpoint": "http://127.0.0.1:PORT"} on one line, then serves until its parent exits.
GET /requests returns how many POSTs it has answered. Used by the retry fault test over real sockets.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATUSES = [int(s) for s in sys.argv[1:]] or [200]
count = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            status = STATUSES[min(count, len(STATUSES) - 1)]
            count += 1
        if status == 200:
            body = b'{"Item":{"PK":{"S":"ok"}}}'
        else:
            code = "ServiceUnavailable" if status >= 500 else "ValidationException"
            body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": "scripted"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        body = json.dumps({"requests": count}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
parent = os.getppid()
print(json.dumps({"endpoint": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
while os.getppid() == parent:
    time.sleep(0.2)  # supervision tick: exit with the test process
