/**
 * stateful_sequences: what one request does to the next.
 *
 *   replay      (every operation with a `uuid`, the idempotency key) the same `uuid` and
 *               body again gives the same answer (ENTER: the same launch URL), and so does
 *               a retry with a new `timestamp` (and so a new signature)
 *   conflict    the same `uuid` with another valid body is 409 `G.03`
 *   lifecycle   ENTER, then a close of that player (with a `uuid`) closes the session;
 *               ENTER again, then the same close replayed (same `uuid`) answers as before
 *               and closes nothing new
 *
 * The API has no read operation, so what a close did is observable only locally: with a
 * local provider the store is inspected (the first session closed, the second still
 * active); against a remote provider the lifecycle checks the answers only (each close
 * 200, the replay the same answer as the first close). The lifecycle's operations and
 * the fields that carry the player and the game are named in `lifecycle` below, checked
 * against the bundle when this module loads.
 */
import { randomUUID } from "node:crypto";
import type { OperationFacts } from "../../shared/spec-types.js";
import { getAtPointer } from "../../shared/json-pointer.js";
import { operationById, requestSchema } from "../bundle.js";
import { nowSeconds, refusalOf, refusals } from "../generate/body-roles.js";
import { derivedSeed, validBodies } from "../generate/request-bodies.js";
import { flatten, type Schema } from "../generate/schema-arbitrary.js";
import type { Exchange, Finding, Probe, Step } from "../types.js";
import { signed, type Body } from "../signed-requests.js";
import { generatedOperations, sequencesFor, type GenerationContext } from "./context.js";

/** A session's life across operations: the one that opens it and those that close a player's sessions. JSON pointers into the request bodies. */
export const lifecycle = {
  open: { operationId: "enterGameSession", player: "/player/id", game: "/gameid" },
  closes: [
    { operationId: "closeSession", player: "/secureLogin", game: "/gameId" },
    { operationId: "closeSessionKyren", player: "/userId", game: "/gameId" },
  ],
} as const;

/** Checks that every operation and field of `lifecycle` is in the bundle. @throws Error naming the first that is not */
function checkLifecycle(): void {
  for (const entry of [lifecycle.open, ...lifecycle.closes]) {
    const operation = operationById(entry.operationId);
    for (const pointer of [entry.player, entry.game]) {
      let node: Schema = requestSchema(operation);
      for (const name of pointer.slice(1).split("/")) {
        node = flatten(node, `${operation.operationId} request`).properties?.[name];
        if (!node) throw new Error(`stateful lifecycle: ${operation.operationId} has no request field ${pointer}`);
      }
    }
    if (!("uuid" in (flatten(requestSchema(operation), operation.operationId).properties ?? {})))
      throw new Error(`stateful lifecycle: ${operation.operationId} has no uuid`);
  }
}
checkLifecycle();

const hasUuid = (operation: OperationFacts) => "uuid" in (flatten(requestSchema(operation), operation.operationId).properties ?? {});

/**
 * `count` valid bodies the operation must accept (no documented refusal), each with a
 * `uuid`. Drawn again, more of them, when the refused ones leave too few (ENTER's
 * `gametype` is `table` in about half the draws, and some seeds draw it eleven times in
 * twelve).
 *
 * @throws Error when even the larger draw leaves too few (a schema that refuses most values)
 */
function acceptedBodies(operation: OperationFacts, context: GenerationContext, count: number, name: string): Body[] {
  const refused = refusals(operation);
  const seed = derivedSeed(context.seed, name, operation.operationId);
  for (const draws of [count * 4 + 4, count * 32 + 64]) {
    const accepted = validBodies(operation, context.credentials, draws, seed).filter((body) => !refusalOf(body, refused));
    if (accepted.length >= count) return accepted.slice(0, count).map((body) => ({ ...body, uuid: randomUUID() }));
  }
  throw new Error(`${operation.operationId}: fewer than ${count} of ${count * 32 + 64} drawn bodies are accepted (x-refused-values)`);
}

const step = (operation: OperationFacts, body: Body, context: GenerationContext, expect: Step["expect"]): Step => ({
  side: operation.implementedBy,
  operationId: operation.operationId,
  request: signed(operation, body, context.credentials),
  expect,
});

/** The part of a body an idempotency fingerprint sees: all but `hash` and `timestamp`. */
const fingerprint = (_operation: OperationFacts, body: Body) =>
  JSON.stringify(
    Object.entries(body)
      .filter(([key]) => key !== "hash" && key !== "timestamp")
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

function replayProbes(operation: OperationFacts, context: GenerationContext): Probe[] {
  return acceptedBodies(operation, context, sequencesFor(context.cases), "replay").map((body, index) => ({
    check: "stateful_sequences",
    kind: "sequence/replay",
    subject: operation.operationId,
    title: `replay #${index + 1}: the same uuid and body, then again with a new timestamp, answer as the first time`,
    steps: [
      step(operation, body, context, { status: "2xx" }),
      step(operation, body, context, { status: "2xx", sameBodyAs: 0 }),
      step(operation, { ...body, timestamp: nowSeconds() - 1 }, context, { status: "2xx", sameBodyAs: 0 }),
    ],
  }));
}

function conflictProbes(operation: OperationFacts, context: GenerationContext): Probe[] {
  const count = sequencesFor(context.cases);
  const firsts = acceptedBodies(operation, context, count, "conflict-first");
  const others = acceptedBodies(operation, context, count * 2, "conflict-second");
  return firsts.flatMap((first, index) => {
    const other = others
      .map((candidate) => ({ ...candidate, uuid: first.uuid }))
      .find((candidate) => fingerprint(operation, candidate) !== fingerprint(operation, first));
    if (!other) return [];
    return [
      {
        check: "stateful_sequences" as const,
        kind: "sequence/conflict",
        subject: operation.operationId,
        title: `conflict #${index + 1}: the same uuid with another body is 409 G.03`,
        steps: [step(operation, first, context, { status: "2xx" }), step(operation, other, context, { status: 409, code: "G.03" })],
      },
    ];
  });
}

/** Sets the value at a JSON pointer of a body. */
function setAt(body: Body, pointer: string, value: unknown): void {
  const names = pointer.slice(1).split("/");
  let node = body;
  for (const name of names.slice(0, -1)) node = node[name];
  node[names.at(-1)!] = value;
}

function lifecycleProbes(context: GenerationContext): Probe[] {
  const open = operationById(lifecycle.open.operationId);
  return lifecycle.closes.flatMap((entry) => {
    const close = operationById(entry.operationId);
    const count = sequencesFor(context.cases);
    const enters = acceptedBodies(open, context, count * 2, `lifecycle-open-${close.operationId}`);
    const closes = acceptedBodies(close, context, count, `lifecycle-close-${close.operationId}`);
    return closes.map((closeBody, index): Probe => {
      const first = enters[index * 2]!;
      const second = { ...enters[index * 2 + 1]!, uuid: randomUUID() };
      // A player of its own: no other probe running alongside closes this player's sessions.
      setAt(first, lifecycle.open.player, randomUUID());
      setAt(second, lifecycle.open.player, getAtPointer(first, lifecycle.open.player));
      setAt(closeBody, entry.player, getAtPointer(first, lifecycle.open.player));
      // Half the closes name the game, half close all of the player's sessions.
      if (index % 2 === 0) setAt(closeBody, entry.game, getAtPointer(first, lifecycle.open.game));
      else delete closeBody[entry.game.slice(1)];
      setAt(second, lifecycle.open.game, getAtPointer(first, lifecycle.open.game));
      const inspector = context.inspector;
      return {
        check: "stateful_sequences",
        kind: "sequence/lifecycle",
        subject: close.operationId,
        title: `lifecycle #${index + 1}: ENTER, ${close.operationId} closes it${inspector ? " (store inspected)" : ""}; ENTER again, the replayed close answers the same${inspector ? " and closes nothing new (store inspected)" : ""}`,
        steps: [
          step(open, first, context, { status: "2xx" }),
          step(close, closeBody, context, { status: "2xx" }),
          step(open, second, context, { status: "2xx" }),
          step(close, { ...closeBody, timestamp: nowSeconds() - 1 }, context, { status: "2xx", sameBodyAs: 1 }),
        ],
        ...(inspector
          ? {
              async verify(exchanges: Exchange[]): Promise<Finding[]> {
                const urlOf = (exchange: Exchange) => (exchange.answer?.json as { url?: string } | undefined)?.url ?? "";
                const [closed, stillActive] = await Promise.all([
                  inspector.sessionStatusOf(urlOf(exchanges[0]!)),
                  inspector.sessionStatusOf(urlOf(exchanges[2]!)),
                ]);
                const findings: Finding[] = [];
                if (closed !== "closed")
                  findings.push({
                    check: "stateful_sequences",
                    message: `after ${close.operationId} the session ENTER opened is ${closed ?? "not in the store"}, not closed`,
                  });
                if (stillActive !== "active")
                  findings.push({
                    check: "stateful_sequences",
                    message: `the replayed ${close.operationId} (same uuid) left the second session ${stillActive ?? "not in the store"}, not active: it closed something new`,
                  });
                return findings;
              },
            }
          : {}),
      };
    });
  });
}

/** Every stateful probe of the run. */
export function statefulProbes(context: GenerationContext): Probe[] {
  const idempotent = generatedOperations().filter(hasUuid);
  return [
    ...idempotent.flatMap((operation) => [...replayProbes(operation, context), ...conflictProbes(operation, context)]),
    ...lifecycleProbes(context),
  ];
}
