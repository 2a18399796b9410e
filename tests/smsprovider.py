"""A loopback stand-in for Twilio's Messages API: checks the basic auth and the form as
Twilio does, records what it accepted, and can be told to answer an error for a number."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class SmsProvider:
    account_sid: str
    auth_token: str
    port: int = 0
    received: list[dict[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why a request was turned away
    #: number -> (status, Twilio error code): 400/21610 (replied STOP), 500 ...
    failures: dict[str, tuple[int, int | None]] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handle(self, path: str, authorization: str, body: bytes) -> tuple[int, dict]:
        if path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            self.refused.append(f"path {path}")
            return 404, {"code": 20404, "message": "not found"}
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if authorization != f"Basic {expected}":
            self.refused.append("auth")
            return 401, {"code": 20003, "message": "Authenticate"}
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        if (
            not form.get("To")
            or not form.get("Body")
            or not (form.get("From") or form.get("MessagingServiceSid"))
        ):
            self.refused.append(f"form {sorted(form)}")
            return 400, {"code": 21604, "message": "A 'To' phone number is required."}
        if form["To"] in self.failures:
            status, code = self.failures[form["To"]]
            return status, {"code": code, "message": "refused", "status": status}
        self.received.append(form)
        sid = f"SM{len(self.received):032d}"
        return 201, {"sid": sid, "status": "queued", "to": form["To"], "body": form["Body"]}


def start(account_sid: str = "AC" + "1" * 32, auth_token: str = "test-auth-token"):  # noqa: S107
    provider = SmsProvider(account_sid, auth_token)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, answer = provider.handle(self.path, self.headers.get("Authorization", ""), body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return provider, server
