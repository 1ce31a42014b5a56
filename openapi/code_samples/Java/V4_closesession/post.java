// V4 close session: close player-1001's sessions of one game and clear the history. Java
// 17 standard library only (java.net.http); run it as `java post.java`. Defaults target
// the sandbox with the sandbox partner; override them with BASE_URL, MEMB_ID
// and SECRET.
import static java.nio.charset.StandardCharsets.UTF_8;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

class CloseSession {
    public static void main(String[] args) throws Exception {
        String baseUrl = env("BASE_URL", "http://127.0.0.1:3000");
        String memberId = env("MEMB_ID", "demo");
        String secret = env("SECRET", "sandbox-secret");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("secureLogin", "player-1001");
        body.put("gameId", "lm_monaco_riches");
        body.put("clearHistory", "1");
        body.put("uuid", UUID.randomUUID().toString()); // idempotency key: a replay closes nothing new
        body.put("timestamp", Instant.now().getEpochSecond()); // Unix seconds; refused (401 G.04) more than 300 s from the server's clock
        body.put("hash", bodyHash(body, secret)); // 1. the body hash
        byte[] rawBody = json(body).getBytes(UTF_8); // 2. serialise once
        String query = "MEMB_ID=" + URLEncoder.encode(memberId, UTF_8) + "&HASH=" + requestSignature(rawBody, secret); // 3. HASH over those bytes
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/V4/closesession?" + query))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(rawBody))
            .build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
        System.out.println(response.body()); // {"error":0,"description":"Success"}
        System.exit(response.statusCode() / 100 == 2 ? 0 : 1);
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

    /** Compact JSON of strings, numbers, booleans, null and nested maps (the JDK has no JSON library). */
    static String json(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) return String.valueOf(value);
        if (value instanceof Map<?, ?> map) {
            StringJoiner members = new StringJoiner(",", "{", "}");
            map.forEach((key, item) -> members.add(quote(key.toString()) + ":" + json(item)));
            return members.toString();
        }
        return quote(value.toString());
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
