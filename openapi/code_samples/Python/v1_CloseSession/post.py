# Kyren v1 CloseSession: authenticated by secureLogin (the partner id) and token in the
# body; no MEMB_ID, no HASH. Python 3 standard library only. Defaults target the sandbox
# with the sandbox partner; override them with BASE_URL, PARTNER_ID and TOKEN.
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid


def main() -> int:
    base_url = os.environ.get("BASE_URL", "http://127.0.0.1:3000")
    body = {
        "secureLogin": os.environ.get("PARTNER_ID", "demo"),
        "token": os.environ.get("TOKEN", "sandbox-token"),
        "userId": "player-1001",
        "gameId": "6_speed_baccarat1",
        "uuid": str(uuid.uuid4()),  # a new idempotency key per request
        "timestamp": int(time.time()),  # Unix seconds; refused (401 G.04) more than 300 s from the server's clock
    }
    request = urllib.request.Request(
        f"{base_url}/v1/CloseSession",
        data=json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, answer = response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:  # 4xx and 5xx carry the API's JSON answer too
        status, answer = error.code, error.read().decode("utf-8")
    print(answer)  # {"error":0,"description":"Success"}
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
