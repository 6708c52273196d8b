"""Small network probes run inside a namespace by the harness tests.

probe.py serve PORT           HTTP server answering 200 "pong" on every GET
probe.py get URL              print the status code (or "error: ..."), exit 0
probe.py rtt HOST PORT N      print the median TCP connect time in ms over N connects
"""

from __future__ import annotations

import http.server
import socket
import statistics
import sys
import time
import urllib.request


class _Pong(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"pong")

    def log_message(self, format: str, *args: object) -> None:
        pass


def main(argv: list[str]) -> None:
    command = argv[0]
    if command == "serve":
        server = http.server.ThreadingHTTPServer(("0.0.0.0", int(argv[1])), _Pong)
        print("ready", flush=True)
        server.serve_forever()
    elif command == "get":
        try:
            with urllib.request.urlopen(argv[1], timeout=float(argv[2]) if argv[2:] else 3) as r:
                print(r.status)
        except OSError as error:
            print(f"error: {error}")
    elif command == "rtt":
        host, port, count = argv[1], int(argv[2]), int(argv[3])
        times = []
        for _ in range(count):
            started = time.perf_counter()
            with socket.create_connection((host, port), timeout=3):
                times.append((time.perf_counter() - started) * 1000)
        print(f"{statistics.median(times):.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
