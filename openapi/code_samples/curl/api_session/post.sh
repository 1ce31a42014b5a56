# ENTER: open a game session and print the launch URL. Needs curl and openssl.
# Defaults target the sandbox with the sandbox partner; override any of them.
BASE_URL="${BASE_URL:-http://127.0.0.1:3000}"
MEMB_ID="${MEMB_ID:-demo}"
SECRET="${SECRET:-sandbox-secret}"
UUID="$(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)"   # a new idempotency key per request
TIMESTAMP="$(date +%s)"   # Unix seconds; refused (401 G.04) more than 300 s from the server's clock

BODY='{"uuid":"'"$UUID"'","gametype":"slot","gameid":"lm_monaco_riches","player":{"id":"player-1001","nickname":"LuckyLuca","language":"en","currency":"EUR","session":{"id":"op-session-77f3a1","ip":"203.0.113.42"}},"timestamp":'"$TIMESTAMP"'}'
HASH="$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')"

curl -sS -X POST "$BASE_URL/api/session?MEMB_ID=$MEMB_ID&HASH=$HASH" \
  -H 'Content-Type: application/json' \
  --data-binary "$BODY"
