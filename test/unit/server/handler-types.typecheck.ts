// Compile-time checks of the generated server stubs (generated/server.ts), run by the
// type-check test: a handler that returns a status or a body its operation does not
// document must fail `tsc`. Each @ts-expect-error fails the build if the error vanishes.
import type { CloseSessionHandler, EnterGameSessionHandler, SessionExpiredHandler } from "../../../generated/server.js";
import { failure } from "../../../src/shared/failures.js";

export const undocumentedStatus: EnterGameSessionHandler<unknown> = async () =>
  // @ts-expect-error 404 is not a documented status of enterGameSession
  ({ status: 404, body: { errors: { code: "G.01", message: "x" } } });

export const wrongSuccessBody: EnterGameSessionHandler<unknown> = async () =>
  // @ts-expect-error the 200 body of enterGameSession is { url }, not the V4 result
  ({ status: 200, body: { error: 0, description: "Success" } });

export const wrongErrorShape: CloseSessionHandler<unknown> = async () =>
  // @ts-expect-error V4 errors are { error: { code, message } }, not ENTER's { errors }
  ({ status: 401, body: { errors: { code: "G.00", message: "x" } } });

export const unknownCode: CloseSessionHandler<unknown> = async () =>
  // @ts-expect-error G.99 is not in the error catalog
  ({ status: 400, body: { error: { code: "G.99", message: "x" } } });

export const documented: CloseSessionHandler<unknown> = async () => ({ status: 200, body: { error: 0, description: "Success" } });

export const undocumentedCode: SessionExpiredHandler<unknown> = async () =>
  // @ts-expect-error G.03 (duplicate request id) is not a code sessionExpired documents
  failure("sessionExpired", "G.03");

export const transportCode: EnterGameSessionHandler<unknown> = async () =>
  // @ts-expect-error G.05 (not found) is answered before routing, by no operation
  failure("enterGameSession", "G.05");

export const documentedCode: EnterGameSessionHandler<unknown> = async () => failure("enterGameSession", "G.03", "uuid reused");
