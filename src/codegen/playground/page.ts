/**
 * The script of the signing playground page (`dist/docs/playground.html`): wires the form
 * of `openapi/docs/site/playground.html` to `signInBrowser` and shows its results. It is
 * bundled into the page by `build.ts`; the operations come from the JSON that the build
 * embedded in `<script id="operations">`. Each change recomputes everything; while a
 * computation runs `#results` has `data-ready="false"`, then `"true"` (the browser test
 * waits on it).
 */
import {
  parseBody,
  PlaygroundError,
  signInBrowser,
  type PlaygroundDefaults,
  type PlaygroundInput,
  type PlaygroundOperation,
} from "./sign.js";

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the playground page has no #${id}`);
  return found as T;
};

const defaults = JSON.parse(element("defaults").textContent ?? "{}") as PlaygroundDefaults;

/**
 * Base URL offered for each side. Lucky Monaco's: a public build's sandbox as built (its
 * docs may be served from another host than the API); otherwise the origin that serves
 * this page over http(s), since the reference server and the local sandbox serve the docs
 * beside the API, on whatever port they run; opened from disk, the build's default. The
 * callback's: the build's (the partner's own receiver).
 */
const defaultBaseUrl: Record<string, string> = {
  provider: !defaults.fixed && /^https?:$/.test(location.protocol) ? location.origin : defaults.provider,
  operator: defaults.operator,
};

const operations = JSON.parse(element("operations").textContent ?? "[]") as PlaygroundOperation[];
const form = element<HTMLFormElement>("playground");
const operationSelect = element<HTMLSelectElement>("operation");
const body = element<HTMLTextAreaElement>("body");
const secret = element<HTMLInputElement>("secret");
const partnerId = element<HTMLInputElement>("partner-id");
const baseUrl = element<HTMLInputElement>("base-url");
const addTimestamp = element<HTMLButtonElement>("add-timestamp");
const results = element("results");
const problem = element("error");

const selected = (): PlaygroundOperation =>
  operations.find((operation) => operation.operationId === operationSelect.value) ?? operations[0]!;
const mode = (): PlaygroundInput["mode"] =>
  form.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value === "exact" ? "exact" : "fields";

/** Writes one result; `absent` explains an empty one. */
function show(id: string, value: string | undefined, absent: string): void {
  const target = element(id);
  target.textContent = value ?? absent;
  target.classList.toggle("absent", value === undefined);
}

/** What the page says about the chosen operation's signatures. */
function describe(operation: PlaygroundOperation): string {
  const side =
    operation.implementedBy === "operator"
      ? " Lucky Monaco sends this call to your server: the base URL is your receiver's, and the results are what a correctly signed call carries."
      : "";
  if (!operation.signedWithHash)
    return `Not signed: this operation carries its credentials in the body, with no MEMB_ID, HASH or body hash.${side}`;
  if (!operation.bodyHash) return `Signed with MEMB_ID and HASH only: its body has no hash.${side}`;
  return `Signed with the body hash, then MEMB_ID and HASH over the body bytes.${side}`;
}

/**
 * Puts the operation's example into the body, in the form the mode expects, with the
 * current `timestamp` where the example has one: the documented one is long past the
 * receiver's tolerance, so its curl command would be refused with 401 G.04.
 */
function fillExample(operation: PlaygroundOperation): void {
  const example = "timestamp" in operation.example ? { ...operation.example, timestamp: Math.floor(Date.now() / 1000) } : operation.example;
  body.value = mode() === "fields" ? JSON.stringify(example, null, 2) : JSON.stringify(example);
}

let latest = 0;
/** The bytes of the latest computation in `fields` mode: what switching to `exact` carries over. */
let lastSignedFields: string | undefined;

/**
 * Carries the body over to the other mode: to `exact`, the bytes that were just signed
 * (so they show as matching); to `fields`, the parsed body without `hash`. A body that is
 * not a JSON object stays as it is.
 */
function switchMode(): void {
  if (mode() === "exact") {
    if (lastSignedFields !== undefined) body.value = lastSignedFields;
    return;
  }
  try {
    const { hash: _hash, ...fields } = parseBody(body.value);
    body.value = JSON.stringify(fields, null, 2);
  } catch (error) {
    if (!(error instanceof PlaygroundError)) throw error;
  }
}

/** Recomputes everything from the form; only the latest computation writes its results. */
async function update(): Promise<void> {
  const run = ++latest;
  results.dataset.ready = "false";
  const operation = selected();
  const input: PlaygroundInput = {
    operation,
    mode: mode(),
    body: body.value,
    secret: secret.value,
    partnerId: partnerId.value,
    baseUrl: baseUrl.value,
  };
  let output: Awaited<ReturnType<typeof signInBrowser>> | undefined;
  let message: string | undefined;
  try {
    output = await signInBrowser(input);
  } catch (error) {
    if (!(error instanceof PlaygroundError)) throw error;
    message = error.message;
  }
  if (run !== latest) return;
  if (input.mode === "fields") lastSignedFields = output?.rawBody;
  problem.hidden = message === undefined;
  problem.textContent = message ?? "";
  const noBodyHash = operation.bodyHash ? "—" : "— this operation's body has no hash";
  show("canonical-string", output?.canonicalString, output?.bodyProblem ?? noBodyHash);
  show("body-hash", output?.bodyHash, output?.bodyProblem ?? noBodyHash);
  const checks = {
    matches: "The body's hash matches.",
    differs: "The body's hash differs: it was not computed as above.",
    missing: "The body has no hash field.",
  };
  show("body-hash-check", output?.bodyHashCheck && checks[output.bodyHashCheck], "");
  show("raw-body", output?.rawBody, "—");
  show("hash-param", output?.HASH, operation.signedWithHash ? "—" : "— this operation is not signed");
  show("curl", output?.curl, "—");
  results.dataset.ready = "true";
}

/** Sets `timestamp` to the current Unix time in seconds, keeping the other fields. */
function putTimestamp(): void {
  try {
    const fields = parseBody(body.value);
    fields.timestamp = Math.floor(Date.now() / 1000);
    body.value = mode() === "fields" ? JSON.stringify(fields, null, 2) : JSON.stringify(fields);
  } catch (error) {
    if (!(error instanceof PlaygroundError)) throw error;
    problem.hidden = false;
    problem.textContent = error.message;
    return;
  }
  void update();
}

/** Shows the chosen operation: its note, its example, the timestamp button and the base URL of its side. */
function chooseOperation(previous: PlaygroundOperation | undefined): void {
  const operation = selected();
  element("operation-note").textContent = describe(operation);
  addTimestamp.hidden = !operation.hasTimestamp;
  if (previous === undefined || baseUrl.value === defaultBaseUrl[previous.implementedBy])
    baseUrl.value = defaultBaseUrl[operation.implementedBy] ?? baseUrl.value;
  fillExample(operation);
}

for (const operation of operations) operationSelect.add(new Option(`${operation.summary} — POST ${operation.path}`, operation.operationId));
let current = selected();
operationSelect.addEventListener("change", () => {
  chooseOperation(current);
  current = selected();
});
form.querySelectorAll<HTMLInputElement>('input[name="mode"]').forEach((radio) => {
  radio.addEventListener("change", switchMode);
});
addTimestamp.addEventListener("click", putTimestamp);
form.addEventListener("input", () => void update());
form.addEventListener("change", () => void update());
form.addEventListener("submit", (event) => event.preventDefault());
chooseOperation(undefined);
void update();
