/**
 * The gate's checks of facts that belong to the whole contract rather than to one
 * operation (policy in `openapi/docs/versioning.md`):
 *
 * - `x-max-request-body-bytes`, the body limit that Lucky Monaco enforces on requests and
 *   operators' callback receivers enforce on the callback (413 `V.03`): a lower limit
 *   refuses bodies partners send today; a higher one lets Lucky Monaco send callbacks
 *   that receivers built to the released limit refuse.
 * - the error catalog (`x-error-catalog` of a schema component): each code keeps its
 *   HTTP status for the life of a major version. Added and removed codes are the
 *   catalog enum's values, checked where responses use it (`schema-diff.ts`).
 */
import type { OpenApiDocument } from "../shared/spec-document.js";
import { pointerOf, type ChangeList } from "./changes.js";
import { operationsOf } from "./operation-diff.js";

/** A catalog row as the gate reads it: the code and the status it binds to. */
interface CatalogRow {
  code: string;
  status: number;
}

/** Every `x-error-catalog` of the bundle's schema components, keyed by component name. */
function catalogsOf(doc: OpenApiDocument): Map<string, CatalogRow[]> {
  const schemas = doc.components?.schemas ?? {};
  return new Map(
    Object.entries(schemas).flatMap(([name, schema]) =>
      Array.isArray(schema["x-error-catalog"]) ? [[name, schema["x-error-catalog"] as CatalogRow[]]] : [],
    ),
  );
}

/** Compares the contract-wide facts of the baseline with the current bundle. */
export function diffDocument(baseline: OpenApiDocument, current: OpenApiDocument, changes: ChangeList): void {
  const limit = "x-max-request-body-bytes";
  const [was, now] = [baseline[limit], current[limit]];
  if (was !== now) {
    const pointer = pointerOf([limit]);
    const callbacks = [...operationsOf(current).values()]
      .filter((operation) => operation.requestRole === "received")
      .map((operation) => operation.label);
    if (typeof was === "number" && typeof now === "number" && now > was) {
      const classification = callbacks.length > 0 ? "breaking" : "compatible";
      const why =
        callbacks.length > 0
          ? `callback receivers built to the released limit refuse larger bodies (${callbacks.join(", ")})`
          : "every body partners send today still fits";
      changes.add({
        classification,
        rule: "body-limit-raised",
        pointer,
        message: `request body limit raised from ${was} to ${now} bytes: ${why}`,
        source: "gate",
      });
    } else if (typeof was === "number" && typeof now === "number") {
      changes.add({
        classification: "breaking",
        rule: "body-limit-lowered",
        pointer,
        message: `request body limit lowered from ${was} to ${now} bytes: bodies partners send today may be refused`,
        source: "gate",
      });
    } else {
      changes.add({
        classification: "breaking",
        rule: "body-limit-changed",
        pointer,
        message: `request body limit changed from ${was ?? "none"} to ${now ?? "none"}: both sides enforce it`,
        source: "gate",
      });
    }
  }

  const catalogs = catalogsOf(current);
  for (const [name, rows] of catalogsOf(baseline)) {
    rows.forEach((row) => {
      const index = catalogs.get(name)?.findIndex((other) => other.code === row.code) ?? -1;
      const match = index >= 0 ? catalogs.get(name)![index]! : undefined;
      if (match && match.status !== row.status) {
        changes.add({
          classification: "breaking",
          rule: "catalog-status-changed",
          pointer: pointerOf(["components", "schemas", name, "x-error-catalog", index, "status"]),
          message: `error code ${row.code} moved from HTTP ${row.status} to ${match.status}: each code keeps its status within a major version`,
          source: "gate",
        });
      }
    });
  }
}
