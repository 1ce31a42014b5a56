<?php
// ENTER: open a game session and print the answer with the launch URL. PHP 8 with the
// extensions php-cli has by default (hash, json; HTTP through a stream context, no curl).
// Defaults target the sandbox with the sandbox partner; override them with
// BASE_URL, MEMB_ID and SECRET.

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
        'uuid' => uuid4(), // a new idempotency key per request; reuse it only to retry this one
        'gametype' => 'slot',
        'gameid' => 'lm_monaco_riches',
        'player' => [
            'id' => 'player-1001',
            'nickname' => 'LuckyLuca',
            'language' => 'en',
            'currency' => 'EUR',
            'session' => ['id' => 'op-session-77f3a1', 'ip' => '203.0.113.42'],
        ],
        'timestamp' => time(), // Unix seconds; refused (401 G.04) more than 300 s from the server's clock
    ];
    // Serialise once: these exact bytes are signed and sent. (Without the two flags json_encode
    // escapes / and non-ASCII: also fine, as long as the bytes you sign are the bytes you send.)
    $rawBody = json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    $query = http_build_query(['MEMB_ID' => $memberId, 'HASH' => request_signature($rawBody, $secret)]);
    [$status, $answer] = post("$baseUrl/api/session?$query", $rawBody);
    echo $answer, "\n"; // {"url":"https://games.luckymonaco.example/index.html?token=..."}: redirect the player there
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
