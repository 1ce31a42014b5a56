# V4 close session: close player-1001's sessions of one game and clear the history.
# Needs curl and openssl. Defaults target the sandbox with the sandbox partner.
BASE_URL="${BASE_URL:-http://127.0.0.1:3000}"
MEMB_ID="${MEMB_ID:-demo}"
SECRET="${SECRET:-sandbox-secret}"
SECURE_LOGIN="${SECURE_LOGIN:-player-1001}"
GAME_ID="${GAME_ID:-lm_monaco_riches}"
UUID="$(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)"   # idempotency key: a replay closes nothing new
TIMESTAMP="$(date +%s)"   # Unix seconds; refused (401 G.04) more than 300 s from the server's clock

# 1. Body hash: MD5 of the fields sorted by key as key=value&..., then the secret.
CANONICAL="clearHistory=1&gameId=$GAME_ID&secureLogin=$SECURE_LOGIN&timestamp=$TIMESTAMP&uuid=$UUID"
BODY_HASH="$(printf '%s' "$CANONICAL$SECRET" | openssl dgst -md5 | awk '{print $NF}')"
# 2. Serialise once. 3. HASH: HMAC-SHA256 of exactly these bytes.
BODY='{"secureLogin":"'"$SECURE_LOGIN"'","gameId":"'"$GAME_ID"'","clearHistory":"1","uuid":"'"$UUID"'","timestamp":'"$TIMESTAMP"',"hash":"'"$BODY_HASH"'"}'
HASH="$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')"

curl -sS -X POST "$BASE_URL/V4/closesession?MEMB_ID=$MEMB_ID&HASH=$HASH" \
  -H 'Content-Type: application/json' \
  --data-binary "$BODY"
