# Session expired is sent BY Lucky Monaco TO your server. A minimal receiver, Python 3
# standard library only, that answers as the spec says: verify HASH and the body hash over
# the bytes as received (timing-safe), and the timestamp against your clock, before
# trusting the body; then record each callback once. A callback may arrive more than once
# (a retry or a redelivery), always with the same callbackId: acknowledge a repeat of a
# callbackId already recorded for that MEMB_ID with 200 and do not record it twice
# (without a callbackId, dedupe on MEMB_ID + sessionId). Listens on 127.0.0.1:$PORT
# (default 3100); trusts MEMB_ID (default demo) with SECRET (default sandbox-secret).
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PARTNERS = {os.environ.get("MEMB_ID", "demo"): os.environ.get("SECRET", "sandbox-secret")}  # MEMB_ID -> the partner secret
MAX_BYTES = 16384
TOLERANCE_SECONDS = 300
# One message for every G.00, so that nobody can probe which partner ids exist.
UNAUTHENTICATED = (401, "G.00", "Could not authenticate: MEMB_ID, HASH or the body hash is not valid")


def canonical_string(fields: dict) -> str:
    """Every top-level field but hash that is not null, sorted by the UTF-8 bytes of the key, as key=value joined with &."""

    def written(key, value):
        if isinstance(value, str):
            return value  # as it is: no URL-encoding, no quotes
        if isinstance(value, (bool, int, float)):
            return json.dumps(value)  # JSON form: true, false, 1800 (not Python's True)
        raise ValueError(f"cannot sign field {key!r}: its value is an object or an array")

    keys = sorted((key for key, value in fields.items() if key != "hash" and value is not None), key=lambda key: key.encode("utf-8"))
    return "&".join(f"{key}={written(key, fields[key])}" for key in keys)


def body_hash(fields: dict, secret: str) -> str:
    """The body hash: lowercase hex MD5 of the canonical string followed by the secret."""
    return hashlib.md5((canonical_string(fields) + secret).encode("utf-8")).hexdigest()


def request_signature(raw_body: bytes, secret: str) -> str:
    """HASH: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the secret as UTF-8."""
    return hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def same(expected: str, received) -> bool:
    """Timing-safe comparison of two signatures."""
    return isinstance(received, str) and hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8"))


def verify_callback(raw_body: bytes, received_hash, secret, now: int):
    """Steps 1 to 4 of the signing guide's "Verifying (receivers)": the partner's secret (None
    when MEMB_ID is unknown), HASH over the raw bytes, the JSON object, the body hash, then the
    timestamp. Returns (body, None), or (None, (status, code, message)) to answer."""
    if secret is None or not same(request_signature(raw_body, secret), received_hash):
        return None, UNAUTHENTICATED
    try:
        body = json.loads(raw_body.decode("utf-8"))
    except ValueError:
        return None, (400, "V.01", "Malformed request body: the body is not valid JSON")
    if not isinstance(body, dict):
        return None, (400, "V.01", "Malformed request body: the body is not a JSON object")
    try:
        expected = body_hash(body, secret)
    except ValueError as error:
        return None, (400, "V.02", f"Invalid request: {error}")
    if not same(expected, body.get("hash")):
        return None, UNAUTHENTICATED
    timestamp = body.get("timestamp")
    if timestamp is not None:
        if isinstance(timestamp, bool) or not isinstance(timestamp, int):
            return None, (400, "V.02", "Invalid request: body.timestamp must be an integer")
        skew = now - timestamp
        if abs(skew) > TOLERANCE_SECONDS:
            where = "behind" if skew > 0 else "ahead of"
            return None, (401, "G.04", f"Request expired: timestamp {timestamp} is {abs(skew)} s {where} the receiver's clock; the tolerance is {TOLERANCE_SECONDS} s")
    return body, None


class Receiver(BaseHTTPRequestHandler):
    recorded = set()  # dedupe keys (MEMB_ID with callbackId, or sessionId) of the callbacks recorded: use your database
    lock = threading.Lock()
    timeout = 10  # seconds to receive a request

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path != "/V4/sessionexpired":
            return self.answer(404, "G.05", "Not found")
        try:
            length = max(0, int(self.headers.get("Content-Length") or 0))
        except ValueError:
            return self.answer(400, "V.01", "Malformed request body: Content-Length is not a number")
        raw_body = self.rfile.read(min(length, 1 << 20))  # read it all (up to 1 MiB), also when it is too large
        if length > MAX_BYTES:
            return self.answer(413, "V.03", f"Payload too large: the body is larger than {MAX_BYTES} bytes")
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return self.answer(415, "V.04", "Unsupported media type: Content-Type must be application/json")
        query = parse_qs(url.query)
        member_id = query.get("MEMB_ID", [""])[0]
        body, failure = verify_callback(raw_body, query.get("HASH", [None])[0], PARTNERS.get(member_id), int(time.time()))
        if failure:
            return self.answer(*failure)
        for field in ("providerId", "sessionId", "playerId"):
            if not isinstance(body.get(field), str) or not body[field]:
                return self.answer(400, "V.02", f"Invalid request: body.{field} must be a non-empty string")
        # Unknown fields are ignored; a repeat is acknowledged, not recorded again. The dedupe
        # key is callbackId (the same on every attempt), or sessionId when there is none.
        key = (member_id, "callback", body["callbackId"]) if isinstance(body.get("callbackId"), str) else (member_id, "session", body["sessionId"])
        with self.lock:
            first = key not in self.recorded
            self.recorded.add(key)
        if first:
            print(f"session {body['sessionId']} of player {body['playerId']} expired", flush=True)  # record it here
        self.send_json(200, {"error": 0, "description": "Success"})

    def do_GET(self):
        if urlsplit(self.path).path != "/V4/sessionexpired":
            return self.answer(404, "G.05", "Not found")
        self.answer(405, "G.06", "Method not allowed: send POST")

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def answer(self, status: int, code: str, message: str):
        self.send_json(status, {"error": {"code": code, "message": message}})

    def send_json(self, status: int, body: dict):
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        if status == 405:
            self.send_header("Allow", "POST")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_request(self, code="-", size="-"):
        # The query string holds HASH: log the path only.
        print(f"{self.command} {urlsplit(self.path).path} {code}", file=sys.stderr, flush=True)

    def log_message(self, format, *args):
        pass  # http.server's own lines quote the request line, query string included


def main() -> int:
    port = int(os.environ.get("PORT", "3100"))
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    print(f"listening on http://127.0.0.1:{port}/V4/sessionexpired", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
