// ENTER: open a game session and print the answer with the launch URL. Java 17 standard
// library only (java.net.http); run it as `java post.java`. Defaults target the sandbox
// with the sandbox partner; override them with BASE_URL, MEMB_ID and SECRET.
import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

class EnterGameSession {
    public static void main(String[] args) throws Exception {
        String baseUrl = env("BASE_URL", "http://127.0.0.1:3000");
        String memberId = env("MEMB_ID", "demo");
        String secret = env("SECRET", "sandbox-secret");
        Map<String, Object> body = object(
            "uuid", UUID.randomUUID().toString(), // a new idempotency key per request; reuse it only to retry this one
            "gametype", "slot",
            "gameid", "lm_monaco_riches",
            "player", object(
                "id", "player-1001",
                "nickname", "LuckyLuca",
                "language", "en",
                "currency", "EUR",
                "session", object("id", "op-session-77f3a1", "ip", "203.0.113.42")),
            "timestamp", Instant.now().getEpochSecond()); // Unix seconds; refused (401 G.04) more than 300 s from the server's clock
        // Serialise once: these exact bytes are signed and sent.
        byte[] rawBody = json(body).getBytes(UTF_8);
        String query = "MEMB_ID=" + URLEncoder.encode(memberId, UTF_8) + "&HASH=" + requestSignature(rawBody, secret);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/session?" + query))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(rawBody))
            .build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
        System.out.println(response.body()); // {"url":"https://games.luckymonaco.example/index.html?token=..."}: redirect the player there
        System.exit(response.statusCode() / 100 == 2 ? 0 : 1);
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

    /** A map that keeps the order of its keys: object("a", 1, "b", 2). */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return map;
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
