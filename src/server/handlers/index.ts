/** The provider's handlers, one per operationId of `x-implemented-by: provider`. */
import type { ProviderHandlers } from "../../../generated/server.js";
import { closeSessionKyren } from "./close-session-kyren.js";
import { closeSession } from "./close-session.js";
import type { ProviderContext } from "./context.js";
import { enterGameSession } from "./enter-game-session.js";

export const providerHandlers: ProviderHandlers<ProviderContext> = { enterGameSession, closeSession, closeSessionKyren };
