# ENTER: open a game session and print the answer with the launch URL. Python 3 standard
# library only. Defaults target the sandbox with the sandbox partner; override
# them with BASE_URL, MEMB_ID and SECRET.
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid


def request_signature(raw_body: bytes, secret: str) -> str:
    """HASH: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the secret as UTF-8."""
    return hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def post(url: str, raw_body: bytes) -> tuple[int, str]:
    """POSTs the bytes as they are; returns the status and the answer (4xx and 5xx carry JSON too)."""
    request = urllib.request.Request(url, data=raw_body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def main() -> int:
    base_url = os.environ.get("BASE_URL", "http://127.0.0.1:3000")
    member_id = os.environ.get("MEMB_ID", "demo")
    secret = os.environ.get("SECRET", "sandbox-secret")
    body = {
        "uuid": str(uuid.uuid4()),  # a new idempotency key per request; reuse it only to retry this one
        "gametype": "slot",
        "gameid": "lm_monaco_riches",
        "player": {
            "id": "player-1001",
            "nickname": "LuckyLuca",
            "language": "en",
            "currency": "EUR",
            "session": {"id": "op-session-77f3a1", "ip": "203.0.113.42"},
        },
        "timestamp": int(time.time()),  # Unix seconds; refused (401 G.04) more than 300 s from the server's clock
    }
    # Serialise once: these exact bytes are signed and sent (any JSON is fine, as long as it is the same bytes).
    raw_body = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    query = urllib.parse.urlencode({"MEMB_ID": member_id, "HASH": request_signature(raw_body, secret)})
    status, answer = post(f"{base_url}/api/session?{query}", raw_body)
    print(answer)  # {"url":"https://games.luckymonaco.example/index.html?token=..."}: redirect the player there
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
