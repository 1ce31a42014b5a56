"""Independent check of the published signing test vectors, in Python's standard library.

The TypeScript signing module is tested against openapi/docs/signing-test-vectors.json.
This second implementation, written from the signing guide and sharing no code with it,
guards the vectors themselves: if someone edits a vector to match a bug, this fails.
Run: python3 test/signing/oracle.py  (exit 0 and one line per vector when all agree).
"""
import hashlib
import hmac
import json
import sys
from pathlib import Path

VECTORS = Path(__file__).resolve().parents[3] / "openapi" / "docs" / "signing-test-vectors.json"


def canonical(fields):
    def text(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)):
            return json.dumps(value)
        raise TypeError("cannot sign %r" % (value,))

    keys = sorted((k for k, v in fields.items() if k != "hash" and v is not None), key=lambda k: k.encode("utf-8"))
    return "&".join("%s=%s" % (k, text(fields[k])) for k in keys)


def main():
    failures = 0
    for vector in json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]:
        secret = vector["secret"].encode("utf-8")
        problems = []
        sent = json.loads(vector["rawBody"])
        if vector["canonicalString"] is not None:
            string = canonical(vector["fields"])
            digest = hashlib.md5(string.encode("utf-8") + secret).hexdigest()
            if string != vector["canonicalString"]:
                problems.append("canonicalString")
            if digest != vector["hash"] or sent.get("hash") != digest:
                problems.append("hash")
            sent.pop("hash", None)
        if sent != vector["fields"]:
            problems.append("rawBody does not hold fields")
        mac = hmac.new(secret, vector["rawBody"].encode("utf-8"), hashlib.sha256).hexdigest()
        if mac != vector["HASH"]:
            problems.append("HASH")
        failures += bool(problems)
        print("%s %s%s" % ("FAIL" if problems else "ok  ", vector["name"], (": " + ", ".join(problems)) if problems else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
