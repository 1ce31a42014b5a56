<?php
// Runs the signing functions of one PHP code sample over the published test vectors and
// prints what they compute. Usage: php signing-vectors.php <sample.php> <now> < vectors.tsv
// The input and output lines are described in signing-vectors.test.ts (one vector per
// line; "-" where the sample has no such function, "!" where it refused the body).
require $argv[1];

function field_value(string $type, string $text): mixed
{
    return match ($type) {
        's' => $text,
        'n' => json_decode($text),
        'b' => $text === 'true',
        'z' => null,
        'j' => json_decode($text, true),
    };
}

function attempt(string $function, callable $call): string
{
    if (!function_exists($function)) {
        return '-';
    }
    try {
        return $call();
    } catch (InvalidArgumentException) {
        return '!';
    }
}

while (($line = fgets(STDIN)) !== false) {
    [$name, $secret, $rawBody, $published, $spec] = explode("\t", rtrim($line, "\n"));
    [$secret, $rawBody] = [base64_decode($secret), base64_decode($rawBody)];
    $fields = [];
    foreach ($spec === '' ? [] : explode(',', $spec) as $field) {
        [$key, $type, $text] = explode(':', $field);
        $fields[base64_decode($key)] = field_value($type, base64_decode($text));
    }
    echo implode("\t", [
        $name,
        attempt('canonical_string', fn () => base64_encode(canonical_string($fields))),
        attempt('body_hash', fn () => body_hash($fields, $secret)),
        attempt('request_signature', fn () => request_signature($rawBody, $secret)),
        attempt('verify_callback', fn () => verify_callback($rawBody, $published, [$secret], (int) $argv[2])[1][1] ?? 'ok'),
    ]), "\n";
}
