# Session expired is sent BY Lucky Monaco TO your server. Use this to test your receiver:
# it sends the callback as Lucky Monaco does, with the same fields, signed the same way,
# with the current timestamp. Each run is a new callback (a new callbackId and createdAt);
# to send a repeat of one, as a retry would, set CALLBACK_ID and CREATED_AT to its values.
# Needs curl and openssl. Set OPERATOR_URL to your receiver's base URL.
OPERATOR_URL="${OPERATOR_URL:-http://127.0.0.1:3100}"
MEMB_ID="${MEMB_ID:-demo}"
SECRET="${SECRET:-sandbox-secret}"
CALLBACK_ID="${CALLBACK_ID:-$( (uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid) | tr 'A-F' 'a-f')}"   # the same on every attempt of a callback
CREATED_AT="${CREATED_AT:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"   # when the callback was first created, RFC 3339 UTC
TIMESTAMP="$(date +%s)"   # this attempt, Unix seconds

# 1. Body hash: MD5 of the fields sorted by key as key=value&..., then the secret.
CANONICAL="callbackId=$CALLBACK_ID&createdAt=$CREATED_AT&playerId=player-1001&providerId=luckymonaco&sessionId=6fd2d6f3bb8f4c5a9fadf15d81206af2&timestamp=$TIMESTAMP"
BODY_HASH="$(printf '%s' "$CANONICAL$SECRET" | openssl dgst -md5 | awk '{print $NF}')"
# 2. Serialise once. 3. HASH: HMAC-SHA256 of exactly these bytes.
BODY='{"providerId":"luckymonaco","sessionId":"6fd2d6f3bb8f4c5a9fadf15d81206af2","playerId":"player-1001","callbackId":"'"$CALLBACK_ID"'","createdAt":"'"$CREATED_AT"'","timestamp":'"$TIMESTAMP"',"hash":"'"$BODY_HASH"'"}'
HASH="$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')"

curl -sS -X POST "$OPERATOR_URL/V4/sessionexpired?MEMB_ID=$MEMB_ID&HASH=$HASH" \
  -H 'Content-Type: application/json' \
  --data-binary "$BODY"
