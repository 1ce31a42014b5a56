/** The provider's handlers, one per operationId of `x-implemented-by: provider`. */
import type { ProviderHandlers } from "../../../generated/server.js";
import { closeSessionKyren } from "./close-session-kyren.js";
import { closeSession } from "./close-session.js";
import type { ProviderContext } from "./context.js";
import { enterGameSession } from "./enter-game-session.js";

/**
 * The handler of each operation the provider implements (`x-implemented-by: provider`),
 * typed by the generated stubs (`generated/server.ts`): a missing operation, an
 * undocumented status or a wrong body fails `tsc`. Registered by `src/http/contract-plugin.ts`.
 */
export const providerHandlers: ProviderHandlers<ProviderContext> = { enterGameSession, closeSession, closeSessionKyren };
