# Kyren v1 CloseSession: authenticated by secureLogin (partner id) and token in the body;
# no MEMB_ID, no HASH. Defaults target the sandbox with the sandbox partner.
BASE_URL="${BASE_URL:-http://127.0.0.1:3000}"
PARTNER_ID="${PARTNER_ID:-demo}"
TOKEN="${TOKEN:-sandbox-token}"
UUID="$(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)"   # a new idempotency key per request
TIMESTAMP="$(date +%s)"   # Unix seconds; refused (401 G.04) more than 300 s from the server's clock

curl -sS -X POST "$BASE_URL/v1/CloseSession" \
  -H 'Content-Type: application/json' \
  --data-binary '{"secureLogin":"'"$PARTNER_ID"'","gameId":"6_speed_baccarat1","userId":"player-1001","token":"'"$TOKEN"'","uuid":"'"$UUID"'","timestamp":'"$TIMESTAMP"'}'
