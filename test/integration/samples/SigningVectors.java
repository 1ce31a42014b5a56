// Runs the signing methods of the Java code samples over the published test vectors and
// prints what they compute. Compiled with the samples into one folder; usage:
// java -cp <folder> SigningVectors <now> <SampleClass>... < vectors.tsv
// The input and output lines are described in signing-vectors.test.ts (one vector per
// line, here prefixed with the sample's class; "-" where the sample has no such method,
// "!" where it refused the body).
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class SigningVectors {
    public static void main(String[] args) throws Exception {
        long now = Long.parseLong(args[0]);
        List<String> lines = new BufferedReader(new InputStreamReader(System.in, UTF_8)).lines().toList();
        for (int i = 1; i < args.length; i++) {
            Class<?> sample = Class.forName(args[i]);
            for (String line : lines) {
                String[] parts = line.split("\t", -1);
                String secret = text(parts[1]);
                byte[] rawBody = Base64.getDecoder().decode(parts[2]);
                Map<String, Object> fields = fields(parts[4]);
                System.out.println(String.join("\t",
                    sample.getName(),
                    parts[0],
                    call(sample, "canonicalString", new Class<?>[] {Map.class}, fields, result -> Base64.getEncoder().encodeToString(((String) result).getBytes(UTF_8))),
                    call(sample, "bodyHash", new Class<?>[] {Map.class, String.class}, new Object[] {fields, secret}, String.class::cast),
                    call(sample, "requestSignature", new Class<?>[] {byte[].class, String.class}, new Object[] {rawBody, secret}, String.class::cast),
                    call(sample, "verifyCallback", new Class<?>[] {byte[].class, String.class, List.class, long.class}, new Object[] {rawBody, parts[3], List.of(secret), now}, result -> "ok")));
            }
        }
    }

    interface Show {
        String apply(Object result);
    }

    static String call(Class<?> sample, String name, Class<?>[] types, Object argument, Show show) throws Exception {
        return call(sample, name, types, new Object[] {argument}, show);
    }

    /** The sample's static method `name` applied to the arguments: its result shown, "-" when absent, "!" or the catalog code when it refused. */
    static String call(Class<?> sample, String name, Class<?>[] types, Object[] arguments, Show show) throws Exception {
        Method method;
        try {
            method = sample.getDeclaredMethod(name, types);
        } catch (NoSuchMethodException e) {
            return "-";
        }
        try {
            return show.apply(method.invoke(null, arguments));
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException) return "!";
            if (cause.getClass().getSimpleName().equals("Refusal")) return String.valueOf(cause.getClass().getDeclaredField("code").get(cause));
            throw e;
        }
    }

    static Map<String, Object> fields(String spec) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (spec.isEmpty()) return fields;
        for (String field : spec.split(",")) {
            String[] parts = field.split(":", -1);
            String value = text(parts[2]);
            fields.put(text(parts[0]), switch (parts[1]) {
                case "s" -> value;
                case "n" -> new BigDecimal(value);
                case "b" -> Boolean.valueOf(value);
                case "z" -> null;
                default -> List.of(value); // an object or an array: a signer must refuse it
            });
        }
        return fields;
    }

    static String text(String base64) {
        return new String(Base64.getDecoder().decode(base64), UTF_8);
    }
}
