"""Runs the signing functions of one Python code sample over the published test vectors
and prints what they compute. Usage: python3 signing-vectors.py <sample.py> <now> < vectors.tsv
The input and output lines are described in signing-vectors.test.ts (one vector per line;
"-" where the sample has no such function, "!" where it refused the body)."""
import base64
import importlib.util
import json
import sys

spec = importlib.util.spec_from_file_location("sample", sys.argv[1])
sample = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sample)  # the sample's main() runs only as __main__
now = int(sys.argv[2])

VALUES = {"s": lambda text: text, "n": json.loads, "b": lambda text: text == "true", "z": lambda text: None, "j": json.loads}


def attempt(function, call):
    if not hasattr(sample, function):
        return "-"
    try:
        return call(getattr(sample, function))
    except ValueError:
        return "!"


def text(encoded):
    return base64.b64decode(encoded).decode("utf-8")


for line in sys.stdin.read().splitlines():
    name, secret, raw_body, published, spec_text = line.split("\t")
    secret, raw_body = text(secret), base64.b64decode(raw_body)
    fields = {}
    for field in filter(None, spec_text.split(",")):
        key, kind, value = field.split(":")
        fields[text(key)] = VALUES[kind](text(value))
    print("\t".join([
        name,
        attempt("canonical_string", lambda f: base64.b64encode(f(fields).encode("utf-8")).decode("ascii")),
        attempt("body_hash", lambda f: f(fields, secret)),
        attempt("request_signature", lambda f: f(raw_body, secret)),
        attempt("verify_callback", lambda f: (f(raw_body, published, [secret], now)[1] or (0, "ok"))[1]),
    ]))
