# V4 close session: close player-1001's sessions of one game and clear the history.
# Python 3 standard library only. Defaults target the sandbox with the sandbox
# partner; override them with BASE_URL, MEMB_ID and SECRET.
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
        "secureLogin": "player-1001",
        "gameId": "lm_monaco_riches",
        "clearHistory": "1",
        "uuid": str(uuid.uuid4()),  # idempotency key: a replay closes nothing new
        "timestamp": int(time.time()),  # Unix seconds; refused (401 G.04) more than 300 s from the server's clock
    }
    body["hash"] = body_hash(body, secret)  # 1. the body hash
    raw_body = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")  # 2. serialise once
    query = urllib.parse.urlencode({"MEMB_ID": member_id, "HASH": request_signature(raw_body, secret)})  # 3. HASH over those bytes
    status, answer = post(f"{base_url}/V4/closesession?{query}", raw_body)
    print(answer)  # {"error":0,"description":"Success"}
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
