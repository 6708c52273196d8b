"""A small notes service (not target_app) for the README's "Test your own service" test.

    python tests/docs/notes_service.py --port 8099 --users 20

Users ``ann1..annN`` (password ``pw1..pwN``) log in with ``POST /sessions`` and get a
token; with ``Authorization: Bearer TOKEN`` they list, create, read, update and delete
their own notes. JSON in, JSON out, standard library only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_NOTE = re.compile(r"/notes/(\d+)\Z")


class NotesStore:
    """Users, tokens and notes, guarded by one lock."""

    def __init__(self, users: int) -> None:
        self.lock = threading.Lock()
        self.passwords = {f"ann{i}": f"pw{i}" for i in range(1, users + 1)}
        self.tokens: dict[str, str] = {}
        self.notes: dict[int, dict[str, Any]] = {}
        self.ids = itertools.count(1)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        body = self._body()
        if self.path == "/sessions":
            self._login(body)
            return
        owner = self._owner()
        if owner is None:
            return
        if self.path != "/notes":
            self._send(404, {"error": "no such route"})
            return
        if not isinstance(body, dict) or not isinstance(body.get("title"), str):
            self._send(422, {"error": "title must be a string"})
            return
        store = self.server.store
        with store.lock:
            note = {"id": next(store.ids), "owner": owner, "title": body["title"],
                    "text": str(body.get("text", ""))}  # fmt: skip
            store.notes[note["id"]] = note
        self._send(201, _public(note))

    def do_GET(self) -> None:
        owner = self._owner()
        if owner is None:
            return
        store = self.server.store
        if self.path.split("?")[0] == "/notes":
            with store.lock:
                mine = [_public(n) for n in store.notes.values() if n["owner"] == owner]
            self._send(200, {"notes": mine})
            return
        note = self._note(owner)
        if note is not None:
            self._send(200, _public(note))

    def do_PUT(self) -> None:
        body = self._body()
        owner = self._owner()
        if owner is None:
            return
        note = self._note(owner)
        if note is None:
            return
        if not isinstance(body, dict) or not isinstance(body.get("title"), str):
            self._send(422, {"error": "title must be a string"})
            return
        with self.server.store.lock:
            note.update(title=body["title"], text=str(body.get("text", "")))
        self._send(200, _public(note))

    def do_DELETE(self) -> None:
        owner = self._owner()
        if owner is None:
            return
        note = self._note(owner)
        if note is not None:
            with self.server.store.lock:
                self.server.store.notes.pop(note["id"], None)
            self._send(204, None)

    def _login(self, body: Any) -> None:
        store = self.server.store
        if not isinstance(body, dict) or store.passwords.get(body.get("username")) != body.get(
            "password"
        ):
            self._send(401, {"error": "wrong username or password"})
            return
        token = secrets.token_hex(16)
        with store.lock:
            store.tokens[token] = body["username"]
        self._send(201, {"token": token, "username": body["username"]})

    def _owner(self) -> str | None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        owner = self.server.store.tokens.get(token)
        if owner is None:
            self._send(401, {"error": "missing or unknown token"})
        return owner

    def _note(self, owner: str) -> dict[str, Any] | None:
        match = _NOTE.match(self.path)
        note = self.server.store.notes.get(int(match.group(1))) if match else None
        if note is None or note["owner"] != owner:
            self._send(404, {"error": "no such note"})
            return None
        return note

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def _send(self, status: int, payload: Any) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    store: NotesStore


def _public(note: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in note.items() if key != "owner"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    server = _Server(("127.0.0.1", args.port), _Handler)
    server.store = NotesStore(args.users)
    print(f"notes_service: listening on http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
