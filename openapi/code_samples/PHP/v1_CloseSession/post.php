<?php
// Kyren v1 CloseSession: authenticated by secureLogin (the partner id) and token in the
// body; no MEMB_ID, no HASH. PHP 8 with the extensions php-cli has by default. Defaults
// target the sandbox with the sandbox partner; override them with BASE_URL,
// PARTNER_ID and TOKEN.

function main(): int
{
    $baseUrl = getenv('BASE_URL') ?: 'http://127.0.0.1:3000';
    $body = [
        'secureLogin' => getenv('PARTNER_ID') ?: 'demo',
        'token' => getenv('TOKEN') ?: 'sandbox-token',
        'userId' => 'player-1001',
        'gameId' => '6_speed_baccarat1',
        'uuid' => uuid4(), // a new idempotency key per request
        'timestamp' => time(), // Unix seconds; refused (401 G.04) more than 300 s from the server's clock
    ];
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/json\r\n",
        'content' => json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR),
        'ignore_errors' => true, // read the answer of a 4xx or 5xx too
        'timeout' => 10,
    ]]);
    $answer = file_get_contents("$baseUrl/v1/CloseSession", false, $context);
    if ($answer === false) {
        fwrite(STDERR, "no answer from $baseUrl\n");
        return 1;
    }
    echo $answer, "\n"; // {"error":0,"description":"Success"}
    preg_match('{^HTTP/\S+ (\d{3})}', $http_response_header[0] ?? '', $status);
    return str_starts_with($status[1] ?? '', '2') ? 0 : 1;
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
