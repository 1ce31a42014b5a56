/**
 * freshness_tolerance: a correctly signed `timestamp` just inside the tolerance is
 * accepted and one just outside refused with 401 `G.04`, in the past and in the future
 * (spec: `Timestamp`; signing guide, "Step 0" and "Verifying" step 4; go-live checklist
 * items 5 and 13). "Just" is `FRESHNESS_MARGIN_SECONDS` from the edge of the target's
 * clock, which is estimated from its `Date` header (`clock.ts`) when the request is
 * built, so any skew between tester and target is allowed for; a target without a `Date`
 * header is taken to agree with the tester's clock, and then a skew of up to about one
 * second is tolerated. Also a `timestamp` in milliseconds and one of 0 (the epoch):
 * both valid integers, far from now, so 401 `G.04`.
 */
import type { OperationFacts } from "../../shared/spec-types.js";
import { describeClock, type TargetClock } from "../clock.js";
import type { Probe } from "../types.js";
import { signed } from "../signed-requests.js";
import { freshBody } from "./bodies.js";
import { acceptedBy, oneStep, refusedWith, type BoundaryContext } from "./context.js";

/**
 * How far inside or outside the tolerance the edge probes are, seconds. With the clock
 * known to about half a second, 2 s keeps each probe on its side of the edge: a target
 * whose tolerance is off by 3 s or more fails one of them.
 */
export const FRESHNESS_MARGIN_SECONDS = 2;

/**
 * An answer slower than this may have been judged on a clock read that long after the
 * request was built, milliseconds: the edge probe is then sent again (`Probe.retryWhenSlowerThanMs`).
 * With the clock known to half a second, a delay up to 1.5 s keeps each probe on its side.
 */
export const SLOW_EDGE_ANSWER_MS = 1000;

/** One edge probe: `offset` seconds from the target's clock (negative: in the past), and whether it must be accepted. */
function edgeProbe(operation: OperationFacts, context: BoundaryContext, kind: string, offset: number, inside: boolean): Probe {
  const where = `${Math.abs(offset)} s ${offset < 0 ? "behind" : "ahead of"} the target's clock`;
  const probe = oneStep(
    "freshness_tolerance",
    `freshness/${kind}`,
    operation,
    `a correctly signed timestamp ${where}, ${inside ? "inside" : "outside"} the ${context.toleranceSeconds} s tolerance: ${inside ? "accepted" : "401 G.04"}`,
    {
      side: operation.implementedBy,
      operationId: operation.operationId,
      build: (clock: TargetClock) => ({
        request: signed(
          operation,
          { ...freshBody(operation, context.credentials), timestamp: clock.nowSeconds() + offset },
          context.credentials,
        ),
        note: `timestamp ${where}: ${describeClock(clock)}; the probe allows ${FRESHNESS_MARGIN_SECONDS} s`,
      }),
      expect: inside ? acceptedBy(operation) : refusedWith(401, "G.04"),
    },
  );
  return { ...probe, retryWhenSlowerThanMs: SLOW_EDGE_ANSWER_MS };
}

/** The freshness probes of every operation whose body carries `timestamp`. */
export function freshnessProbes(context: BoundaryContext): Probe[] {
  const tolerance = context.toleranceSeconds;
  const inside = tolerance - FRESHNESS_MARGIN_SECONDS;
  const outside = tolerance + FRESHNESS_MARGIN_SECONDS;
  return context.operations
    .filter((operation) => operation.timestamp)
    .flatMap((operation) => [
      edgeProbe(operation, context, "inside-past", -inside, true),
      edgeProbe(operation, context, "outside-past", -outside, false),
      edgeProbe(operation, context, "inside-future", inside, true),
      edgeProbe(operation, context, "outside-future", outside, false),
      oneStep(
        "freshness_tolerance",
        "freshness/milliseconds",
        operation,
        "a correctly signed timestamp in milliseconds (far in the future): 401 G.04",
        {
          side: operation.implementedBy,
          operationId: operation.operationId,
          build: () => ({
            request: signed(operation, { ...freshBody(operation, context.credentials), timestamp: Date.now() }, context.credentials),
          }),
          expect: refusedWith(401, "G.04"),
        },
      ),
      oneStep("freshness_tolerance", "freshness/epoch", operation, "a correctly signed timestamp of 0 (the epoch): 401 G.04", {
        side: operation.implementedBy,
        operationId: operation.operationId,
        request: signed(operation, { ...freshBody(operation, context.credentials), timestamp: 0 }, context.credentials),
        expect: refusedWith(401, "G.04"),
      }),
    ]);
}
