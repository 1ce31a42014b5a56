export interface paths {
    "/api/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a game session (ENTER)
         * @description Creates a game session for a player and returns the launch URL to redirect the player to (seed 004). Called by the operator.
         *
         *     **Signing.** `MEMB_ID` and `HASH` in the query; ENTER has no body `hash`.
         *
         *     **Idempotency.** `uuid` is the idempotency key. Sending the same `uuid` with the same body again (for example after a timeout) returns the first response and creates no second session. The same `uuid` with a different body is rejected with `G.03` (409).
         *
         *     **Order of checks.** First the transport: a body over 16384 bytes gets 413 `V.03` and a `Content-Type` other than `application/json` gets 415 `V.04`, before the body is read. Then the signature (401 `G.00`), then the body against the schema (400 `V.01`/`V.02`), then the business rules (400 `G.02`, 409 `G.03`).
         *
         *     Opening a session does not close the player's other sessions; use close session for that.
         */
        post: operations["enterGameSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/V4/closesession": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close a player's sessions (V4)
         * @description Terminates the player's active game sessions (seeds 000 and 001), all of them or only those of `gameId`. With `clearHistory` `"1"` the player's unfinished round can no longer be completed, which is what shared terminals need. Called by the operator.
         *
         *     **Signing.** `MEMB_ID` and `HASH` in the query, and the body `hash`.
         *
         *     **Idempotency.** Closing is idempotent: a repeat of the call, or a call for a player with no active session, answers success and changes nothing. The call has no `uuid`.
         *
         *     **Order of checks.** First the transport: a body over 16384 bytes gets 413 `V.03` and a `Content-Type` other than `application/json` gets 415 `V.04`. Then the signature (`HASH`, then the body `hash`: 401 `G.00`), then the body against the schema (400 `V.01`/`V.02`). A body that breaks the schema but is correctly signed is therefore a 400; one that is also wrongly signed is a 401.
         *
         *     The seeds' URL examples use the partner id in `MEMB_ID`; see `MEMB_ID` and `secureLogin` for how the seeds' conflict about them is resolved.
         */
        post: operations["closeSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/CloseSession": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close a player's sessions (Kyren v1)
         * @description The close session call of the sister Kyren v1 API (seed 002): terminates the player's active sessions, all of them or only those of `gameId`. It is meant for exceptional cases, not for players who are playing normally: unfinished rounds are normally completed when the player reconnects, or closed automatically. Called by the operator.
         *
         *     **Authentication.** In the body: `secureLogin` is the Kyren partner id and `token` the partner's token. The call has no `MEMB_ID`, no `HASH` and no body `hash`, as in seed 002; it relies on TLS and the token. An unknown partner or a wrong token is rejected with `G.00` (401). The credentials are checked before the rest of the body: a body that is not a JSON object is 400 `V.01`, one without valid credentials is 401 `G.00` even if other fields are also wrong, and only then does the schema apply (400 `V.02`).
         *
         *     **Idempotency.** `uuid` is the idempotency key, with the same rules as ENTER: the same `uuid` and body return the first response; the same `uuid` with a different body is rejected with `G.03` (409).
         *
         *     **Responses** use the Kyren envelope `{error, description}`; see `KyrenResult` for how its types and its failure form were decided.
         */
        post: operations["closeSessionKyren"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/V4/sessionexpired": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Session expired (provider to operator)
         * @description **Direction: Lucky Monaco → operator.** Lucky Monaco calls this on the **operator's** server to say that a player's game session has expired on the Lucky Monaco side, after long inactivity (30 minutes by default, set per deployment) or because the game was closed (seed 003). The operator implements it; Lucky Monaco is the client.
         *
         *     **Optional, off by default.** The callback is sent only to partners who asked Lucky Monaco technical support to switch it on and registered a callback URL.
         *
         *     **Signing.** Lucky Monaco signs exactly as operators do: `MEMB_ID` is the partner's own id, `HASH` is the HMAC-SHA256 of the raw body with the partner secret, and the body carries `hash`. The receiver must check both before it trusts the body, with a timing-safe comparison, and answer 401 `G.00` when either fails.
         *
         *     **Answer and delivery.** Answer 200 with `{"error": 0, "description": "Success"}` once the expiry is recorded; the callback is idempotent for the receiver, because the same `sessionId` may arrive more than once. Lucky Monaco treats any other answer as not delivered. It retries after a network error, a timeout of 5 seconds or a 5xx status, 1 second and then 10 seconds later (3 attempts in all), and does not retry a 4xx.
         *
         *     **Decision.** Seed 003's example body is not valid JSON (it has no commas) and its hash has a space inside; the example here is the corrected form. Seed 003 also copied the "Game List" error section; the errors here are this catalog's.
         */
        post: operations["sessionExpired"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * Uuid4
         * Format: uuid
         * @description Idempotency key: a unique id for each request, a version 4 UUID (RFC 9562) in its 36-character hyphenated form, lower or upper case. Lucky Monaco remembers each `uuid` per partner for at least 24 hours. Repeating a request with the same `uuid` and the same body returns the first response again without a second effect; the same `uuid` with a different body is rejected with `G.03` (HTTP 409). "The same body" ignores key order, white space, the case of `uuid` and Kyren's credential `token`. A `uuid` is used up only by a request that succeeded: after a 4xx, the corrected request may reuse it.
         * @example 3f1c2a7e-9b4d-4e2f-8a61-5c0d9e7b1a23
         */
        Uuid4: string;
        /**
         * GameId
         * @description Id of a Lucky Monaco game, as listed in the separately provided "SLOT_SPEC" document.
         * @example lm_monaco_riches
         */
        GameId: string;
        /**
         * PlayerSession
         * @description The player's session on the operator's side (seed 004, `player.session`).
         */
        PlayerSession: {
            /**
             * @description The player's session id, assigned by the partner. Lucky Monaco stores it with the game session and does not interpret it.
             * @example op-session-77f3a1
             */
            id: string;
            /**
             * @description The player's IP address as the operator sees it, in IPv4 dotted-decimal form or an IPv6 form (RFC 4291).
             * @example 203.0.113.42
             */
            ip: string;
        };
        /**
         * Player
         * @description The player who enters the game (seed 004, `player`).
         */
        Player: {
            /**
             * @description The player's id in the operator's system. It is the same value that close session sends as `secureLogin` (V4) or `userId` (Kyren), and that the session expired callback sends back as `playerId`.
             * @example player-1001
             */
            id: string;
            /**
             * @description The name the game shows for the player. Optional: seed 004 lists it without saying it is required, and a game can run without it; when absent the game shows no name.
             * @example LuckyLuca
             */
            nickname?: string;
            /**
             * @description In-game UI language, an ISO 639-1 two-letter code in lower case. The languages each game supports are listed in the "Language support" sheet of the SLOT_SPEC document.
             * @example en
             */
            language: string;
            /**
             * @description Currency of the player's wallet, an ISO 4217 three-letter code in upper case. The currencies each game supports are listed in the "Currency support" sheet of the SLOT_SPEC document.
             * @example EUR
             */
            currency: string;
            session: components["schemas"]["PlayerSession"];
        };
        /**
         * EnterGameSessionRequest
         * @description Body of ENTER (seed 004). Every field is required except `player.nickname`: seed 004 gives no required column, and a launch cannot work without any of the others. Unknown fields are rejected with `V.02` so that a misspelt field name (say `gameId` for `gameid`) fails loudly instead of being ignored. ENTER has no body `hash`; it is signed by the `HASH` query parameter alone.
         */
        EnterGameSessionRequest: {
            uuid: components["schemas"]["Uuid4"];
            /**
             * @description Kind of game to launch. `table` is part of the contract but table games are "not available now" (seed 004): a request with `table` is answered with `G.02` (HTTP 400) until they are announced.
             * @example slot
             * @enum {string}
             */
            gametype: "slot" | "table";
            /** @description Id of the game to launch, from the SLOT_SPEC document. The field is spelt `gameid`, in lower case, as in seed 004. */
            gameid: components["schemas"]["GameId"];
            player: components["schemas"]["Player"];
        };
        /**
         * EnterGameSessionSuccess
         * @description Successful ENTER response (seed 004).
         */
        EnterGameSessionSuccess: {
            /**
             * Format: uri
             * @description Launch URL of the new game session. Redirect the player's browser to it as it is; do not parse or rebuild it. Its query carries an opaque, single-session token.
             * @example https://games.luckymonaco.example/index.html?token=q8Zs1mC4v0pXyJ2kLr7uT9wEaB3nD6fH5gK1oP0iU2w
             */
            url: string;
        };
        /**
         * ErrorCode
         * @description Code from the error catalog: a category letter, a dot and two digits. `G` marks a generic failure and `V` a failed validation of the input (the categories of seeds 000, 003 and 004). The full catalog, with the HTTP status, the meaning and whether a retry can help, is in the **Error catalog** section.
         *
         *     **Decision — one spelling.** The seeds' tables write `G.01` while their examples write `G.1` and `G.0`. This API always sends the two-digit form of the tables (`G.00`, `G.01`, …), because the tables are the normative part of the seeds and fixed-width codes sort and compare as plain strings. Compare codes as whole strings.
         *
         *     **Decision — one meaning per code.** Seeds 000 and 003 copied their error section from a "Game List" page in which `G.01` means "Invalid game type"; seed 004 defines `G.01` as "System error, should be retried". Seed 004 is the page written for this API, so `G.01` is the system error and "Invalid game type" has its own code, `G.02`. The "Could not authenticate" failure shown as `G.0` in seed 004's example is `G.00`.
         * @example V.02
         * @enum {string}
         */
        ErrorCode: "G.00" | "G.01" | "G.02" | "G.03" | "V.01" | "V.02" | "V.03" | "V.04";
        /**
         * ErrorDetail
         * @description One failure, as a catalog code and a human-readable message.
         */
        ErrorDetail: {
            code: components["schemas"]["ErrorCode"];
            /**
             * @description Human-readable explanation in English. It starts with the catalog title and, for validation failures, names the offending field. Do not parse it; branch on `code`.
             * @example Invalid request: body/player/currency must match pattern "^[A-Z]{3}$"
             */
            message: string;
        };
        /**
         * EnterGameSessionFailure
         * @description Failed ENTER response. ENTER keeps the shape of seed 004, with the plural key `errors` holding one error object, because partners already parse it; the close session and callback operations use the singular `error` of their own seeds.
         */
        EnterGameSessionFailure: {
            errors: components["schemas"]["ErrorDetail"];
        };
        /**
         * BodyHash
         * @description Body signature: the lowercase hex MD5 of the canonical string of this body followed by the partner secret. The canonical string joins every other top-level field that is present and not null as `key=value`, sorted by key in ascending byte order, with `&`. See **Request signing** for the exact steps and the test vectors.
         * @example a12a9e8c0f479704fd2b1e4c7361442f
         */
        BodyHash: string;
        /**
         * CloseSessionRequest
         * @description Body of V4 close session (seeds 000 and 001). Unknown fields are rejected with `V.02`.
         */
        CloseSessionRequest: {
            /**
             * @description The player whose sessions are closed: the player id the partner sent as `player.id` in ENTER.
             *
             *     **Decision.** Seed 000 calls `secureLogin` the "user name for authentication in the Casino Game API service", and seed 001 sends `MEMB_ID=<securelogin>`, yet the method closes "the player's" sessions and has no other player field. Read as the partner's login, the call could not say whose sessions to close. So `secureLogin` is the player's login and the partner is identified by `MEMB_ID` (the partner id, as in seed 000) and authenticated by `HASH`.
             * @example player-1001
             */
            secureLogin: string;
            /** @description Optional. When present, only the player's sessions of this game are closed; when absent, all of the player's active sessions are closed. */
            gameId?: components["schemas"]["GameId"];
            /**
             * @description Whether the player's unfinished game round may still be completed. `"1"`: the history is removed and the last round cannot be completed any more (for shared terminals, so that the next person cannot finish it). `"0"` (default): the last round can be completed when the player comes back. It is a string, as in the seeds; the numbers `0` and `1` are rejected with `V.02`.
             * @default 0
             * @example 1
             * @enum {string}
             */
            clearHistory?: "0" | "1";
            hash: components["schemas"]["BodyHash"];
        };
        /**
         * SuccessCode
         * @description `0`, the success value of `error`. It follows the convention of the Casino Game API that most operators already parse: `error` equal to `0` means success.
         * @example 0
         * @enum {integer}
         */
        SuccessCode: 0;
        /**
         * V4Result
         * @description Result envelope of the V4 operations (close session and the session expired callback), seeds 000 and 003. `error` is either the number `0` (success, with `description`) or an error object (failure). A parser can branch on `typeof error === "number"`; HTTP status 200 always carries `0` and every 4xx and 5xx carries the object.
         */
        V4Result: {
            /** @description `0` on success; an error object with `code` and `message` on failure. */
            error: components["schemas"]["SuccessCode"] | components["schemas"]["ErrorDetail"];
            /**
             * @description Short status text. Sent on success only, where it is `Success`.
             * @example Success
             */
            description?: string;
        };
        /**
         * V4Success
         * @description Successful V4 result, `{"error": 0, "description": "Success"}` (seeds 000, 001, 003).
         */
        V4Success: components["schemas"]["V4Result"] & {
            error: components["schemas"]["SuccessCode"];
            /**
             * @description Always `Success`.
             * @example Success
             * @enum {string}
             */
            description: "Success";
        };
        /**
         * V4Failure
         * @description Failed V4 result, `{"error": {"code": …, "message": …}}` (seeds 000 and 003).
         */
        V4Failure: components["schemas"]["V4Result"] & {
            error: components["schemas"]["ErrorDetail"];
        };
        /**
         * KyrenCloseSessionRequest
         * @description Body of Kyren CloseSession (seed 002). The call is authenticated by `secureLogin` and `token` in the body; it has no `MEMB_ID`, `HASH` or body `hash`. Unknown fields are rejected with `V.02`.
         */
        KyrenCloseSessionRequest: {
            /**
             * @description The partner id in the Kyren API service (seed 002: "partner Id for authentication"). Unlike V4 close session, here `secureLogin` is the partner and `userId` is the player.
             * @example demo
             */
            secureLogin: string;
            /** @description Optional. When present, only the player's sessions of this game are closed; when absent, all of the player's active sessions are closed. */
            gameId?: components["schemas"]["GameId"];
            /**
             * @description The player whose sessions are closed: the player id in the operator's system, the same value that ENTER sent as `player.id`.
             * @example player-1001
             */
            userId: string;
            /**
             * @description The partner's token from the Kyren Authenticate response.
             *
             *     **Gap.** Authenticate is not one of the operations described here, and seed 002 does not describe it. Until it is, Lucky Monaco issues each Kyren partner a long-lived token together with its partner id, and the partner sends it here unchanged. The sandbox token is `sandbox-token`.
             * @example sandbox-token
             */
            token: string;
            uuid: components["schemas"]["Uuid4"];
        };
        /**
         * KyrenResult
         * @description Result envelope of Kyren CloseSession (seed 002). `error` is the number `0` on success and a catalog code string on failure; `description` is a short text in both cases.
         *
         *     **Decision — types.** Seed 002 types `error` as string while its example sends the number `0`, and types `description` as "decimal" while it holds the text `Success`. Success keeps the number `0` of the example, which is what partners' parsers already test for; a failure carries the catalog code as a string, so that one catalog serves every operation. `description` is a string.
         *
         *     **Decision — failure form.** Seed 002 documents no failure body. A failure keeps the same two flat fields, `{"error": "<code>", "description": "<message>"}`, so a Kyren parser needs no second shape: `error === 0` is success, anything else is a code from the catalog.
         */
        KyrenResult: {
            /** @description `0` on success; a catalog code such as `G.00` on failure. */
            error: components["schemas"]["SuccessCode"] | components["schemas"]["ErrorCode"];
            /**
             * @description `Success` on success; the human-readable error message on failure.
             * @example Success
             */
            description: string;
        };
        /**
         * KyrenSuccess
         * @description Successful Kyren result, `{"error": 0, "description": "Success"}` (seed 002).
         */
        KyrenSuccess: components["schemas"]["KyrenResult"] & {
            error: components["schemas"]["SuccessCode"];
            /**
             * @description Always `Success`.
             * @example Success
             * @enum {string}
             */
            description?: "Success";
        };
        /**
         * KyrenFailure
         * @description Failed Kyren result, `{"error": "<catalog code>", "description": "<message>"}`.
         */
        KyrenFailure: components["schemas"]["KyrenResult"] & {
            error: components["schemas"]["ErrorCode"];
        };
        /**
         * SessionExpiredRequest
         * @description Body of the session expired callback (seed 003). Receivers must ignore fields they do not know, so that Lucky Monaco can add fields later without breaking them; unknown fields are still part of the body `hash`, which covers every top-level field.
         */
        SessionExpiredRequest: {
            /**
             * @description Lucky Monaco's provider id in the operator's system, as agreed at onboarding. The default is `luckymonaco`.
             * @example luckymonaco
             */
            providerId: string;
            /**
             * @description The expired game session's id on the Lucky Monaco side: 32 lowercase hex characters, as in seed 003's example.
             * @example 6fd2d6f3bb8f4c5a9fadf15d81206af2
             */
            sessionId: string;
            /**
             * @description The player's id in the operator's system, as sent in ENTER's `player.id`.
             * @example player-1001
             */
            playerId: string;
            /**
             * @description Optional. "Token of the player from Authenticate response" (seed 003). ENTER carries no such token, so Lucky Monaco sends this field only for partners whose integration registers a player token by other means. When it is present it is part of the body `hash`; when it is absent or null it is left out of the hash.
             * @example 9b7e4c1d2a
             */
            token?: string | null;
            hash: components["schemas"]["BodyHash"];
        };
    };
    responses: {
        /** @description Game session created. Redirect the player to `url`. */
        EnterOk: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["EnterGameSessionSuccess"];
            };
        };
        /** @description The request body does not match the schema (`V.02`), is malformed (`V.01`), or asks for a game type that is not available (`G.02`). The body has the ENTER error shape `{"errors": {"code", "message"}}`. */
        EnterBadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["EnterGameSessionFailure"];
            };
        };
        /** @description The caller could not be authenticated (`G.00`). The body has the ENTER error shape `{"errors": {"code", "message"}}`. */
        EnterUnauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["EnterGameSessionFailure"];
            };
        };
        /** @description The `uuid` was already used with a different body (`G.03`). Repeating the same body with the same `uuid` is not a conflict: it returns the first response again. The body has the ENTER error shape `{"errors": {"code", "message"}}`. */
        EnterConflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["EnterGameSessionFailure"];
            };
        };
        /** @description The body is larger than 16384 bytes (`V.03`). The body has the ENTER error shape `{"errors": {"code", "message"}}`. */
        EnterPayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["EnterGameSessionFailure"];
            };
        };
        /** @description The `Content-Type` is missing or not `application/json` (`V.04`). The body has the ENTER error shape `{"errors": {"code", "message"}}`. */
        EnterUnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["EnterGameSessionFailure"];
            };
        };
        /** @description Unexpected failure on the receiving side (`G.01`). Retry with backoff; ENTER and Kyren retries reuse the same `uuid`. The body has the ENTER error shape `{"errors": {"code", "message"}}`. */
        EnterServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["EnterGameSessionFailure"];
            };
        };
        /** @description Success. Close session: the player's matching sessions are closed, or there was none to close (the call is idempotent). Session expired: the operator has recorded the expiry. */
        V4Ok: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V4Success"];
            };
        };
        /** @description The request body is malformed (`V.01`) or does not match the schema (`V.02`). The body has the V4 error shape `{"error": {"code", "message"}}`. */
        V4BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V4Failure"];
            };
        };
        /** @description The caller could not be authenticated (`G.00`). The body has the V4 error shape `{"error": {"code", "message"}}`. */
        V4Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V4Failure"];
            };
        };
        /** @description The body is larger than 16384 bytes (`V.03`). The body has the V4 error shape `{"error": {"code", "message"}}`. */
        V4PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V4Failure"];
            };
        };
        /** @description The `Content-Type` is missing or not `application/json` (`V.04`). The body has the V4 error shape `{"error": {"code", "message"}}`. */
        V4UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V4Failure"];
            };
        };
        /** @description Unexpected failure on the receiving side (`G.01`). Retry with backoff; ENTER and Kyren retries reuse the same `uuid`. The body has the V4 error shape `{"error": {"code", "message"}}`. */
        V4ServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["V4Failure"];
            };
        };
        /** @description The player's matching sessions are closed, or there was none to close. */
        KyrenOk: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["KyrenSuccess"];
            };
        };
        /** @description The request body is malformed (`V.01`) or does not match the schema (`V.02`). The body has the Kyren error shape `{"error": "<code>", "description"}`. */
        KyrenBadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["KyrenFailure"];
            };
        };
        /** @description The caller could not be authenticated (`G.00`). The body has the Kyren error shape `{"error": "<code>", "description"}`. */
        KyrenUnauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["KyrenFailure"];
            };
        };
        /** @description The `uuid` was already used with a different body (`G.03`). Repeating the same body with the same `uuid` is not a conflict: it returns the first response again. The body has the Kyren error shape `{"error": "<code>", "description"}`. */
        KyrenConflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["KyrenFailure"];
            };
        };
        /** @description The body is larger than 16384 bytes (`V.03`). The body has the Kyren error shape `{"error": "<code>", "description"}`. */
        KyrenPayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["KyrenFailure"];
            };
        };
        /** @description The `Content-Type` is missing or not `application/json` (`V.04`). The body has the Kyren error shape `{"error": "<code>", "description"}`. */
        KyrenUnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["KyrenFailure"];
            };
        };
        /** @description Unexpected failure on the receiving side (`G.01`). Retry with backoff; ENTER and Kyren retries reuse the same `uuid`. The body has the Kyren error shape `{"error": "<code>", "description"}`. */
        KyrenServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["KyrenFailure"];
            };
        };
    };
    parameters: {
        /**
         * @description The partner id (member id) that Lucky Monaco assigned at onboarding. It names the partner whose secret signs the request.
         *
         *     **Decision.** Seed 001 writes `MEMB_ID=<securelogin>` where seed 000 writes `MEMB_ID=<Partner ID>`. `MEMB_ID` is always the partner id; a player's login never goes here. The sandbox partner id is `demo`.
         * @example demo
         */
        MembId: string;
        /**
         * @description Request signature: the lowercase hex HMAC-SHA256 of the exact bytes of the request body as sent, keyed with the partner secret encoded as UTF-8 (64 hex characters). Compute it last, after the body `hash` (where the operation has one) is in the body and the body is serialised. A request whose `HASH` is missing or does not match is rejected with `G.00` (HTTP 401). See **Request signing** for the steps and the test vectors. The example is the `HASH` of ENTER's request example (vector `enter-nested-body`); every other body has its own.
         * @example 9d7b4efb7de96954306575b02a56388fa2892bbb6b3614fbe245e817219bf0e6
         */
        Hash: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    enterGameSession: {
        parameters: {
            query: {
                /**
                 * @description The partner id (member id) that Lucky Monaco assigned at onboarding. It names the partner whose secret signs the request.
                 *
                 *     **Decision.** Seed 001 writes `MEMB_ID=<securelogin>` where seed 000 writes `MEMB_ID=<Partner ID>`. `MEMB_ID` is always the partner id; a player's login never goes here. The sandbox partner id is `demo`.
                 * @example demo
                 */
                MEMB_ID: components["parameters"]["MembId"];
                /**
                 * @description Request signature: the lowercase hex HMAC-SHA256 of the exact bytes of the request body as sent, keyed with the partner secret encoded as UTF-8 (64 hex characters). Compute it last, after the body `hash` (where the operation has one) is in the body and the body is serialised. A request whose `HASH` is missing or does not match is rejected with `G.00` (HTTP 401). See **Request signing** for the steps and the test vectors. The example is the `HASH` of ENTER's request example (vector `enter-nested-body`); every other body has its own.
                 * @example 9d7b4efb7de96954306575b02a56388fa2892bbb6b3614fbe245e817219bf0e6
                 */
                HASH: components["parameters"]["Hash"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnterGameSessionRequest"];
            };
        };
        responses: {
            200: components["responses"]["EnterOk"];
            400: components["responses"]["EnterBadRequest"];
            401: components["responses"]["EnterUnauthorized"];
            409: components["responses"]["EnterConflict"];
            413: components["responses"]["EnterPayloadTooLarge"];
            415: components["responses"]["EnterUnsupportedMediaType"];
            500: components["responses"]["EnterServerError"];
        };
    };
    closeSession: {
        parameters: {
            query: {
                /**
                 * @description The partner id (member id) that Lucky Monaco assigned at onboarding. It names the partner whose secret signs the request.
                 *
                 *     **Decision.** Seed 001 writes `MEMB_ID=<securelogin>` where seed 000 writes `MEMB_ID=<Partner ID>`. `MEMB_ID` is always the partner id; a player's login never goes here. The sandbox partner id is `demo`.
                 * @example demo
                 */
                MEMB_ID: components["parameters"]["MembId"];
                /**
                 * @description Request signature: the lowercase hex HMAC-SHA256 of the exact bytes of the request body as sent, keyed with the partner secret encoded as UTF-8 (64 hex characters). Compute it last, after the body `hash` (where the operation has one) is in the body and the body is serialised. A request whose `HASH` is missing or does not match is rejected with `G.00` (HTTP 401). See **Request signing** for the steps and the test vectors. The example is the `HASH` of ENTER's request example (vector `enter-nested-body`); every other body has its own.
                 * @example 9d7b4efb7de96954306575b02a56388fa2892bbb6b3614fbe245e817219bf0e6
                 */
                HASH: components["parameters"]["Hash"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CloseSessionRequest"];
            };
        };
        responses: {
            200: components["responses"]["V4Ok"];
            400: components["responses"]["V4BadRequest"];
            401: components["responses"]["V4Unauthorized"];
            413: components["responses"]["V4PayloadTooLarge"];
            415: components["responses"]["V4UnsupportedMediaType"];
            500: components["responses"]["V4ServerError"];
        };
    };
    closeSessionKyren: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["KyrenCloseSessionRequest"];
            };
        };
        responses: {
            200: components["responses"]["KyrenOk"];
            400: components["responses"]["KyrenBadRequest"];
            401: components["responses"]["KyrenUnauthorized"];
            409: components["responses"]["KyrenConflict"];
            413: components["responses"]["KyrenPayloadTooLarge"];
            415: components["responses"]["KyrenUnsupportedMediaType"];
            500: components["responses"]["KyrenServerError"];
        };
    };
    sessionExpired: {
        parameters: {
            query: {
                /**
                 * @description The partner id (member id) that Lucky Monaco assigned at onboarding. It names the partner whose secret signs the request.
                 *
                 *     **Decision.** Seed 001 writes `MEMB_ID=<securelogin>` where seed 000 writes `MEMB_ID=<Partner ID>`. `MEMB_ID` is always the partner id; a player's login never goes here. The sandbox partner id is `demo`.
                 * @example demo
                 */
                MEMB_ID: components["parameters"]["MembId"];
                /**
                 * @description Request signature: the lowercase hex HMAC-SHA256 of the exact bytes of the request body as sent, keyed with the partner secret encoded as UTF-8 (64 hex characters). Compute it last, after the body `hash` (where the operation has one) is in the body and the body is serialised. A request whose `HASH` is missing or does not match is rejected with `G.00` (HTTP 401). See **Request signing** for the steps and the test vectors. The example is the `HASH` of ENTER's request example (vector `enter-nested-body`); every other body has its own.
                 * @example 9d7b4efb7de96954306575b02a56388fa2892bbb6b3614fbe245e817219bf0e6
                 */
                HASH: components["parameters"]["Hash"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SessionExpiredRequest"];
            };
        };
        responses: {
            200: components["responses"]["V4Ok"];
            400: components["responses"]["V4BadRequest"];
            401: components["responses"]["V4Unauthorized"];
            413: components["responses"]["V4PayloadTooLarge"];
            415: components["responses"]["V4UnsupportedMediaType"];
            500: components["responses"]["V4ServerError"];
        };
    };
}
