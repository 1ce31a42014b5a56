// Kyren v1 CloseSession: authenticated by secureLogin (the partner id) and token in the
// body; no MEMB_ID, no HASH. Java 17 standard library only (java.net.http); run it as
// `java post.java`. Defaults target the sandbox with the sandbox partner;
// override them with BASE_URL, PARTNER_ID and TOKEN.
import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

class CloseSessionKyren {
    public static void main(String[] args) throws Exception {
        String baseUrl = env("BASE_URL", "http://127.0.0.1:3000");
        String body = "{"
            + "\"secureLogin\":" + quote(env("PARTNER_ID", "demo"))
            + ",\"token\":" + quote(env("TOKEN", "sandbox-token"))
            + ",\"userId\":\"player-1001\",\"gameId\":\"6_speed_baccarat1\""
            + ",\"uuid\":\"" + UUID.randomUUID() + "\"" // a new idempotency key per request
            + ",\"timestamp\":" + Instant.now().getEpochSecond() // Unix seconds; refused (401 G.04) more than 300 s from the server's clock
            + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/CloseSession"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8))
            .build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
        System.out.println(response.body()); // {"error":0,"description":"Success"}
        System.exit(response.statusCode() / 100 == 2 ? 0 : 1);
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
