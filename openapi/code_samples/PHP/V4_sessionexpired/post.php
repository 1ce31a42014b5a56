<?php
// Session expired is sent BY Lucky Monaco TO your server. A minimal receiver, PHP 8 with
// the extensions php-cli has by default, that answers as the spec says: verify HASH and
// the body hash over the bytes as received (timing-safe), and the timestamp against your
// clock, before trusting the body; then record each callback once. A callback may arrive
// more than once (a retry or a redelivery), always with the same callbackId: acknowledge
// a repeat of a callbackId already recorded for that MEMB_ID with 200 and do not record it
// twice (without a callbackId, dedupe on MEMB_ID + sessionId).
//
// `php post.php` serves it on 127.0.0.1:$PORT (default 3100) with a one-process HTTP loop,
// so that the record stays in memory; it trusts MEMB_ID (default demo) with SECRET
// (default sandbox-secret). In your web application, call handle_callback() with the
// method, the request target, the Content-Type and the raw body (php://input), and keep
// the record in your database.

const MAX_BYTES = 16384;
const TOLERANCE_SECONDS = 300;
// One message for every G.00, so that nobody can probe which partner ids exist.
const UNAUTHENTICATED = [401, 'G.00', 'Could not authenticate: MEMB_ID, HASH or the body hash is not valid'];

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

/**
 * Steps 1 to 4 of the signing guide's "Verifying (receivers)": the partner's secret (null
 * when MEMB_ID is unknown), HASH over the raw bytes, the JSON object, the body hash, then
 * the timestamp. Returns [fields, null], or [null, [status, code, message]] to answer.
 */
function verify_callback(string $rawBody, ?string $receivedHash, ?string $secret, int $now): array
{
    if ($secret === null || $receivedHash === null || !hash_equals(request_signature($rawBody, $secret), $receivedHash)) {
        return [null, UNAUTHENTICATED];
    }
    try {
        $body = json_decode($rawBody, false, 512, JSON_THROW_ON_ERROR); // objects as stdClass, to tell {} from []
    } catch (JsonException) {
        return [null, [400, 'V.01', 'Malformed request body: the body is not valid JSON']];
    }
    if (!$body instanceof stdClass) {
        return [null, [400, 'V.01', 'Malformed request body: the body is not a JSON object']];
    }
    $fields = get_object_vars($body);
    try {
        $expected = body_hash($fields, $secret);
    } catch (InvalidArgumentException $error) {
        return [null, [400, 'V.02', 'Invalid request: ' . $error->getMessage()]];
    }
    if (!is_string($fields['hash'] ?? null) || !hash_equals($expected, $fields['hash'])) {
        return [null, UNAUTHENTICATED];
    }
    $timestamp = $fields['timestamp'] ?? null;
    if ($timestamp !== null) {
        if (!is_int($timestamp)) {
            return [null, [400, 'V.02', 'Invalid request: body.timestamp must be an integer']];
        }
        $skew = $now - $timestamp;
        if (abs($skew) > TOLERANCE_SECONDS) {
            $where = $skew > 0 ? 'behind' : 'ahead of';
            return [null, [401, 'G.04', sprintf("Request expired: timestamp %d is %d s %s the receiver's clock; the tolerance is %d s", $timestamp, abs($skew), $where, TOLERANCE_SECONDS)]];
        }
    }
    return [$fields, null];
}

/**
 * Answers one request: [status, body]. $partners maps MEMB_ID to the secret; $recorded
 * holds the dedupe keys (MEMB_ID with callbackId, or sessionId) of the callbacks recorded so far.
 */
function handle_callback(string $method, string $target, string $contentType, int $length, string $rawBody, array $partners, array &$recorded): array
{
    $failure = fn (int $status, string $code, string $message) => [$status, ['error' => ['code' => $code, 'message' => $message]]];
    $url = parse_url($target);
    if (($url['path'] ?? '') !== '/V4/sessionexpired') {
        return $failure(404, 'G.05', 'Not found');
    }
    if ($method !== 'POST') {
        return $failure(405, 'G.06', 'Method not allowed: send POST');
    }
    if ($length > MAX_BYTES) {
        return $failure(413, 'V.03', 'Payload too large: the body is larger than ' . MAX_BYTES . ' bytes');
    }
    if (strtolower(trim(explode(';', $contentType)[0])) !== 'application/json') {
        return $failure(415, 'V.04', 'Unsupported media type: Content-Type must be application/json');
    }
    parse_str($url['query'] ?? '', $query);
    $memberId = is_string($query['MEMB_ID'] ?? null) ? $query['MEMB_ID'] : '';
    $hash = is_string($query['HASH'] ?? null) ? $query['HASH'] : null;
    [$fields, $refused] = verify_callback($rawBody, $hash, $partners[$memberId] ?? null, time());
    if ($refused !== null) {
        return $failure(...$refused);
    }
    foreach (['providerId', 'sessionId', 'playerId'] as $name) {
        if (!is_string($fields[$name] ?? null) || $fields[$name] === '') {
            return $failure(400, 'V.02', "Invalid request: body.$name must be a non-empty string");
        }
    }
    // Unknown fields are ignored; a repeat is acknowledged, not recorded again. The dedupe
    // key is callbackId (the same on every attempt), or sessionId when there is none.
    $key = is_string($fields['callbackId'] ?? null) ? "$memberId/callback/{$fields['callbackId']}" : "$memberId/session/{$fields['sessionId']}";
    if (!isset($recorded[$key])) {
        $recorded[$key] = true;
        fwrite(STDOUT, "session {$fields['sessionId']} of player {$fields['playerId']} expired\n"); // record it here
    }
    return [200, ['error' => 0, 'description' => 'Success']];
}

/** Reads one HTTP/1.1 request (headers, then Content-Length bytes); null when it is broken. */
function read_request($connection): ?array
{
    $first = fgets($connection, 8192);
    $parts = $first === false ? [] : explode(' ', trim($first));
    if (count($parts) !== 3) {
        return null;
    }
    $headers = [];
    while (($line = fgets($connection, 8192)) !== false && rtrim($line) !== '') {
        [$name, $value] = explode(':', $line, 2) + [1 => ''];
        $headers[strtolower(trim($name))] = trim($value);
    }
    if (($headers['expect'] ?? '') === '100-continue') {
        fwrite($connection, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    $length = max(0, (int) ($headers['content-length'] ?? 0));
    $body = '';
    while (strlen($body) < min($length, 1 << 20)) { // read it all (up to 1 MiB), also when it is too large
        $chunk = fread($connection, min(8192, $length - strlen($body)));
        if ($chunk === false || $chunk === '') {
            break;
        }
        $body .= $chunk;
    }
    return ['method' => $parts[0], 'target' => $parts[1], 'contentType' => $headers['content-type'] ?? '', 'length' => $length, 'body' => $body];
}

function main(): int
{
    $port = (int) (getenv('PORT') ?: 3100);
    $partners = [getenv('MEMB_ID') ?: 'demo' => getenv('SECRET') ?: 'sandbox-secret']; // MEMB_ID => the partner secret
    $server = stream_socket_server("tcp://127.0.0.1:$port", $errorCode, $error);
    if ($server === false) {
        fwrite(STDERR, "cannot listen on 127.0.0.1:$port: $error\n");
        return 1;
    }
    fwrite(STDOUT, "listening on http://127.0.0.1:$port/V4/sessionexpired\n");
    $recorded = []; // use your database
    $reasons = [200 => 'OK', 400 => 'Bad Request', 401 => 'Unauthorized', 404 => 'Not Found', 405 => 'Method Not Allowed', 413 => 'Content Too Large', 415 => 'Unsupported Media Type'];
    while (true) {
        $connection = @stream_socket_accept($server, -1);
        if ($connection === false) {
            continue;
        }
        stream_set_timeout($connection, 10); // seconds to receive a request
        $request = read_request($connection);
        [$status, $body] = $request === null
            ? [400, ['error' => ['code' => 'V.01', 'message' => 'Malformed request body: the request could not be read']]]
            : handle_callback($request['method'], $request['target'], $request['contentType'], $request['length'], $request['body'], $partners, $recorded);
        $json = json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        $allow = $status === 405 ? "Allow: POST\r\n" : '';
        fwrite($connection, "HTTP/1.1 $status {$reasons[$status]}\r\n{$allow}Content-Type: application/json\r\nContent-Length: " . strlen($json) . "\r\nConnection: close\r\n\r\n$json");
        fclose($connection);
    }
}

if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    exit(main());
}
