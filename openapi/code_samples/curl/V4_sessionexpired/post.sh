# Session expired is sent BY Lucky Monaco TO your server. Use this to test your receiver:
# it signs the call exactly as Lucky Monaco does, with the current timestamp. Needs curl
# and openssl. OPERATOR_URL defaults to the example receiver of this repository (npm run operator).
OPERATOR_URL="${OPERATOR_URL:-http://127.0.0.1:3100}"
MEMB_ID="${MEMB_ID:-demo}"
SECRET="${SECRET:-sandbox-secret}"
TIMESTAMP="$(date +%s)"

CANONICAL="playerId=player-1001&providerId=luckymonaco&sessionId=6fd2d6f3bb8f4c5a9fadf15d81206af2&timestamp=$TIMESTAMP"
BODY_HASH="$(printf '%s' "$CANONICAL$SECRET" | openssl dgst -md5 | awk '{print $NF}')"
BODY='{"providerId":"luckymonaco","sessionId":"6fd2d6f3bb8f4c5a9fadf15d81206af2","playerId":"player-1001","timestamp":'"$TIMESTAMP"',"hash":"'"$BODY_HASH"'"}'
HASH="$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')"

curl -sS -X POST "$OPERATOR_URL/V4/sessionexpired?MEMB_ID=$MEMB_ID&HASH=$HASH" \
  -H 'Content-Type: application/json' \
  --data-binary "$BODY"
