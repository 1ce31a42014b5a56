<?php
// V4 close session: close player-1001's sessions of one game and clear the history. PHP 8
// with the extensions php-cli has by default (hash, json; HTTP through a stream context).
// Defaults target the sandbox with the sandbox partner; override them with
// BASE_URL, MEMB_ID and SECRET.

/**
 * Every top-level field but hash that is not null, sorted by the bytes of the UTF-8 key
 * (strcmp), as key=value joined with &: strings as they are (no URL-encoding, so not
 * http_build_query), numbers and booleans in their JSON form (true, not PHP's "1").
 */
function canonical_string(array $fields): string
{
    $written = [];
    foreach ($fields as $key => $value) {
        $key = (string) $key; // json_decode turns a key such as "123" into an int
        if ($key === 'hash' || $value === null) {
            continue;
        }
        if (is_array($value) || is_object($value)) {
            throw new InvalidArgumentException("cannot sign field \"$key\": its value is an object or an array");
        }
        $written[] = [$key, is_string($value) ? $value : json_encode($value)];
    }
    usort($written, fn ($a, $b) => strcmp($a[0], $b[0]));
    return implode('&', array_map(fn ($pair) => "$pair[0]=$pair[1]", $written));
}

/** The body hash: lowercase hex MD5 of the canonical string followed by the secret. */
function body_hash(array $fields, string $secret): string
{
    return md5(canonical_string($fields) . $secret);
}

/** HASH: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the secret. */
function request_signature(string $rawBody, string $secret): string
{
    return hash_hmac('sha256', $rawBody, $secret);
}

/** POSTs the bytes as they are; returns [status, answer] (4xx and 5xx carry JSON too). */
function post(string $url, string $rawBody): array
{
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/json\r\n",
        'content' => $rawBody,
        'ignore_errors' => true, // read the answer of a 4xx or 5xx too
        'timeout' => 10,
    ]]);
    $answer = file_get_contents($url, false, $context);
    if ($answer === false) {
        throw new RuntimeException("no answer from $url");
    }
    preg_match('{^HTTP/\S+ (\d{3})}', $http_response_header[0] ?? '', $status);
    return [(int) ($status[1] ?? 0), $answer];
}

function main(): int
{
    $baseUrl = getenv('BASE_URL') ?: 'http://127.0.0.1:3000';
    $memberId = getenv('MEMB_ID') ?: 'demo';
    $secret = getenv('SECRET') ?: 'sandbox-secret';
    $body = [
        'secureLogin' => 'player-1001',
        'gameId' => 'lm_monaco_riches',
        'clearHistory' => '1',
        'uuid' => uuid4(), // idempotency key: a replay closes nothing new
        'timestamp' => time(), // Unix seconds; refused (401 G.04) more than 300 s from the server's clock
    ];
    $body['hash'] = body_hash($body, $secret); // 1. the body hash
    $rawBody = json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR); // 2. serialise once
    $query = http_build_query(['MEMB_ID' => $memberId, 'HASH' => request_signature($rawBody, $secret)]); // 3. HASH over those bytes
    [$status, $answer] = post("$baseUrl/V4/closesession?$query", $rawBody);
    echo $answer, "\n"; // {"error":0,"description":"Success"}
    return $status >= 200 && $status < 300 ? 0 : 1;
}

/** A random UUID version 4. */
function uuid4(): string
{
    $bytes = random_bytes(16);
    $bytes[6] = chr(ord($bytes[6]) & 0x0f | 0x40);
    $bytes[8] = chr(ord($bytes[8]) & 0x3f | 0x80);
    return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
}

if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    exit(main());
}
