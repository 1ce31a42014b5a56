// Session expired is sent BY Lucky Monaco TO your server. A minimal receiver, Java 17
// standard library only (com.sun.net.httpserver; the JDK has no JSON library, so a small
// parser is included), that answers as the spec says: verify HASH and the body hash over
// the bytes as received (timing-safe), and the timestamp against your clock, before
// trusting the body; then record each callback once. A callback may arrive more than once
// (a retry or a redelivery), always with the same callbackId: acknowledge a repeat of a
// callbackId already recorded for that MEMB_ID with 200 and do not record it twice
// (without a callbackId, dedupe on MEMB_ID + sessionId). Run it as `java post.java`: it
// listens on 127.0.0.1:$PORT (default 3100) and trusts MEMB_ID (default demo) with SECRET
// (default sandbox-secret) and, while a secret is rotated, with PREVIOUS_SECRET too
// (signing guide, "Rotating a secret").
import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

class SessionExpiredReceiver {
    static final int MAX_BYTES = 16384;
    static final long TOLERANCE_SECONDS = 300;

    /** An answer other than 200: its status, catalog code and message. */
    static final class Refusal extends Exception {
        final int status;
        final String code;

        Refusal(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    // One message for every G.00, so that nobody can probe which partner ids exist.
    static Refusal unauthenticated() {
        return new Refusal(401, "G.00", "Could not authenticate: MEMB_ID, HASH or the body hash is not valid");
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(env("PORT", "3100"));
        // MEMB_ID -> the partner's secrets: one, or two (new and old) while a secret is rotated.
        List<String> secrets = new ArrayList<>(List.of(env("SECRET", "sandbox-secret")));
        if (!env("PREVIOUS_SECRET", "").isEmpty()) secrets.add(env("PREVIOUS_SECRET", ""));
        Map<String, List<String>> partners = Map.of(env("MEMB_ID", "demo"), secrets);
        Set<String> recorded = new HashSet<>(); // dedupe keys (MEMB_ID with callbackId, or sessionId) of the callbacks recorded: use your database
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            try {
                answer(exchange, 200, "{\"error\":0,\"description\":\"Success\"}", handle(exchange, partners, recorded));
            } catch (Refusal refusal) {
                answer(exchange, refusal.status, "{\"error\":{\"code\":" + quote(refusal.code) + ",\"message\":" + quote(refusal.getMessage()) + "}}", null);
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(null); // one request at a time on the server's thread: the in-memory record needs no lock
        server.start();
        System.out.println("listening on http://127.0.0.1:" + port + "/V4/sessionexpired");
    }

    /** Checks one callback and records it once; returns the line to print for a new expiry, null for a repeat. */
    static String handle(HttpExchange exchange, Map<String, List<String>> partners, Set<String> recorded) throws IOException, Refusal {
        if (!exchange.getRequestURI().getPath().equals("/V4/sessionexpired")) throw new Refusal(404, "G.05", "Not found");
        if (!exchange.getRequestMethod().equals("POST")) throw new Refusal(405, "G.06", "Method not allowed: send POST");
        byte[] rawBody = exchange.getRequestBody().readNBytes(MAX_BYTES + 1);
        if (rawBody.length > MAX_BYTES) throw new Refusal(413, "V.03", "Payload too large: the body is larger than " + MAX_BYTES + " bytes");
        String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (!contentType.split(";")[0].trim().equalsIgnoreCase("application/json")) {
            throw new Refusal(415, "V.04", "Unsupported media type: Content-Type must be application/json");
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String memberId = query.getOrDefault("MEMB_ID", "");
        Map<String, Object> body = verifyCallback(rawBody, query.get("HASH"), partners.getOrDefault(memberId, List.of()), Instant.now().getEpochSecond());
        for (String name : List.of("providerId", "sessionId", "playerId")) {
            if (!(body.get(name) instanceof String value) || value.isEmpty()) throw new Refusal(400, "V.02", "Invalid request: body." + name + " must be a non-empty string");
        }
        // Unknown fields are ignored; a repeat is acknowledged, not recorded again. The dedupe
        // key is callbackId (the same on every attempt), or sessionId when there is none.
        String key = body.get("callbackId") instanceof String callbackId ? memberId + "/callback/" + callbackId : memberId + "/session/" + body.get("sessionId");
        if (!recorded.add(key)) return null;
        return "session " + body.get("sessionId") + " of player " + body.get("playerId") + " expired"; // record it here
    }

    /**
     * Steps 1 to 4 of the signing guide's "Verifying (receivers)": the partner's secrets (none
     * when MEMB_ID is unknown), HASH over the raw bytes with the secret it matches, the JSON
     * object, the body hash with that secret, then the timestamp. Returns the body's
     * top-level fields.
     */
    static Map<String, Object> verifyCallback(byte[] rawBody, String receivedHash, List<String> secrets, long now) throws Refusal {
        String secret = null;
        for (String candidate : secrets) {
            if (secret == null && same(requestSignature(rawBody, candidate), receivedHash)) secret = candidate;
        }
        if (secret == null) throw unauthenticated();
        Map<String, Object> fields = parseObject(utf8(rawBody));
        String expected;
        try {
            expected = bodyHash(fields, secret);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "V.02", "Invalid request: " + e.getMessage());
        }
        if (!(fields.get("hash") instanceof String received) || !same(expected, received)) throw unauthenticated();
        Object timestamp = fields.get("timestamp");
        if (timestamp != null) {
            if (!(timestamp instanceof BigDecimal number) || number.stripTrailingZeros().scale() > 0) {
                throw new Refusal(400, "V.02", "Invalid request: body.timestamp must be an integer");
            }
            long skew = now - number.longValue();
            if (Math.abs(skew) > TOLERANCE_SECONDS) {
                throw new Refusal(401, "G.04", "Request expired: timestamp " + number.toPlainString() + " is " + Math.abs(skew) + " s "
                    + (skew > 0 ? "behind" : "ahead of") + " the receiver's clock; the tolerance is " + TOLERANCE_SECONDS + " s");
            }
        }
        return fields;
    }

    /**
     * Every top-level field but hash that is not null, sorted by the UTF-8 bytes of the key,
     * as key=value joined with &. Not String.compareTo, which orders UTF-16 code units.
     * Strings as they are (no URL-encoding); numbers and booleans in their JSON form.
     */
    static String canonicalString(Map<String, ?> fields) {
        List<String> keys = new ArrayList<>();
        fields.forEach((key, value) -> {
            if (!key.equals("hash") && value != null) keys.add(key);
        });
        keys.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(UTF_8), b.getBytes(UTF_8)));
        StringJoiner joined = new StringJoiner("&");
        for (String key : keys) joined.add(key + "=" + written(key, fields.get(key)));
        return joined.toString();
    }

    static String written(String key, Object value) {
        if (value instanceof String text) return text;
        if (value instanceof Boolean) return value.toString();
        if (value instanceof Number number) return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
        throw new IllegalArgumentException("cannot sign field \"" + key + "\": its value is an object or an array");
    }

    /** The body hash: lowercase hex MD5 of the canonical string followed by the secret. */
    static String bodyHash(Map<String, ?> fields, String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest((canonicalString(fields) + secret).getBytes(UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // every JDK has MD5
        }
    }

    /** HASH: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the secret as UTF-8. */
    static String requestSignature(byte[] rawBody, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(rawBody));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // every JDK has HmacSHA256
        }
    }

    /** Timing-safe comparison of two signatures. */
    static boolean same(String expected, String received) {
        return received != null && MessageDigest.isEqual(expected.getBytes(UTF_8), received.getBytes(UTF_8));
    }

    /** The body as text, decoded strictly: bytes that are not UTF-8 are 400 V.01, not replacement characters. */
    static String utf8(byte[] rawBody) throws Refusal {
        try {
            return UTF_8.newDecoder().decode(ByteBuffer.wrap(rawBody)).toString();
        } catch (CharacterCodingException e) {
            throw new Refusal(400, "V.01", "Malformed request body: the body is not valid UTF-8");
        }
    }

    /** The body as a JSON object: its fields in order, nested values as maps and lists, numbers as BigDecimal. */
    static Map<String, Object> parseObject(String text) throws Refusal {
        Object value;
        try {
            Json parser = new Json(text);
            value = parser.value(0);
            parser.end();
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "V.01", "Malformed request body: the body is not valid JSON");
        }
        if (!(value instanceof Map<?, ?>)) throw new Refusal(400, "V.01", "Malformed request body: the body is not a JSON object");
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) value;
        return fields;
    }

    /** A small JSON parser (RFC 8259), enough for a callback body; throws IllegalArgumentException on bad JSON. */
    static final class Json {
        private final String text;
        private int at;

        Json(String text) {
            this.text = text;
        }

        Object value(int depth) {
            if (depth > 64) throw new IllegalArgumentException("nested too deeply");
            skipSpace();
            char c = peek();
            if (c == '{') return object(depth);
            if (c == '[') return array(depth);
            if (c == '"') return string();
            if (text.startsWith("true", at)) return literal("true", Boolean.TRUE);
            if (text.startsWith("false", at)) return literal("false", Boolean.FALSE);
            if (text.startsWith("null", at)) return literal("null", null);
            return number();
        }

        void end() {
            skipSpace();
            if (at != text.length()) throw new IllegalArgumentException("text after the value");
        }

        private Map<String, Object> object(int depth) {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            skipSpace();
            if (peek() == '}') {
                at++;
                return map;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') throw new IllegalArgumentException("expected a key");
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value(depth + 1)); // a repeated key: the last one wins, as in JavaScript
                skipSpace();
                if (peek() == ',') {
                    at++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        private List<Object> array(int depth) {
            List<Object> list = new ArrayList<>();
            at++;
            skipSpace();
            if (peek() == ']') {
                at++;
                return list;
            }
            while (true) {
                list.add(value(depth + 1));
                skipSpace();
                if (peek() == ',') {
                    at++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            at++;
            while (true) {
                char c = peek();
                at++;
                if (c == '"') return out.toString();
                if (c < 0x20) throw new IllegalArgumentException("control character in a string");
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escape = peek();
                at++;
                switch (escape) {
                    case '"', '\\', '/' -> out.append(escape);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) throw new IllegalArgumentException("short \\u escape");
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape");
                }
            }
        }

        private BigDecimal number() {
            int start = at;
            if (peek() == '-') at++;
            if (peek() == '0') at++;
            else digits();
            if (at < text.length() && text.charAt(at) == '.') {
                at++;
                digits();
            }
            if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
                at++;
                if (peek() == '+' || peek() == '-') at++;
                digits();
            }
            return new BigDecimal(text.substring(start, at));
        }

        private void digits() {
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') at++;
            if (at == start) throw new IllegalArgumentException("expected a digit");
        }

        private Object literal(String word, Object value) {
            at += word.length();
            return value;
        }

        private void skipSpace() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) at++;
        }

        private char peek() {
            if (at >= text.length()) throw new IllegalArgumentException("unexpected end");
            return text.charAt(at);
        }

        private void expect(char c) {
            if (peek() != c) throw new IllegalArgumentException("expected " + c);
            at++;
        }
    }

    static Map<String, String> query(String rawQuery) {
        Map<String, String> values = new HashMap<>();
        if (rawQuery == null) return values;
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) values.putIfAbsent(URLDecoder.decode(pair.substring(0, equals), UTF_8), URLDecoder.decode(pair.substring(equals + 1), UTF_8));
        }
        return values;
    }

    /** Prints the line of a newly recorded expiry (if any), then sends the answer. */
    static void answer(HttpExchange exchange, int status, String json, String recordedLine) throws IOException {
        if (recordedLine != null) System.out.println(recordedLine);
        byte[] bytes = json.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (status == 405) exchange.getResponseHeaders().set("Allow", "POST");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** A JSON string: quotes, backslashes and control characters escaped, everything else as it is. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
