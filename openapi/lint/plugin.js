// Redocly plugin with the lint rules of this API that configurable `rule/` rules cannot
// express because they compare two parts of an operation. Loaded by ../../redocly.yaml.

const SIGNED = ["MEMB_ID", "HASH"];

/**
 * session-api/signed-operation-parameters: an operation that takes `MEMB_ID` also takes
 * `HASH` (and the other way round), both as required query parameters, and it does so
 * exactly when its security requirement names the `MembId` and `Hash` schemes.
 */
function signedOperationParameters() {
  return {
    Operation(operation, ctx) {
      const names = (operation.parameters ?? [])
        .map((parameter) => ctx.resolve(parameter).node)
        .filter((parameter) => parameter && parameter.in === "query" && SIGNED.includes(parameter.name) && parameter.required === true)
        .map((parameter) => parameter.name);
      const takesBoth = SIGNED.every((name) => names.includes(name));
      const takesAny = SIGNED.some((name) => names.includes(name));
      if (takesAny && !takesBoth) {
        ctx.report({
          message: `An operation that takes ${names.join(", ")} must take both MEMB_ID and HASH as required query parameters.`,
          location: ctx.location.child("parameters"),
        });
      }
      const security = operation.security ?? [];
      const secured = security.some((requirement) => "MembId" in requirement && "Hash" in requirement);
      if (secured !== takesBoth) {
        ctx.report({
          message: secured
            ? "The security requirement names MembId and Hash, so the operation must $ref the MEMB_ID and HASH parameters."
            : "The operation takes MEMB_ID and HASH, so its security requirement must name MembId and Hash.",
          location: ctx.location.child("security"),
        });
      }
    },
  };
}

/**
 * session-api/implemented-by: every operation says who serves it with
 * `x-implemented-by: provider | operator`; the reference server and the operator
 * receiver route on it.
 */
function implementedBy() {
  return {
    Operation(operation, ctx) {
      const value = operation["x-implemented-by"];
      if (value !== "provider" && value !== "operator") {
        ctx.report({
          message: "Every operation needs x-implemented-by: provider (Lucky Monaco serves it) or operator (a callback).",
          location: ctx.location.child("x-implemented-by"),
        });
      }
    },
  };
}

export default function sessionApiPlugin() {
  return {
    id: "session-api",
    rules: {
      oas3: {
        "signed-operation-parameters": signedOperationParameters,
        "implemented-by": implementedBy,
      },
    },
  };
}
