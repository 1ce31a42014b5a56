// The part of newman 6's programmatic API that the Postman suite uses (newman ships no types).
declare module "newman" {
  export interface NewmanExecution {
    item: { name: string };
    request: { url: { toString(): string }; body?: { raw?: string } };
    response?: { code: number; text(): string };
    assertions?: { assertion: string; error?: { message: string } }[];
  }
  export interface NewmanSummary {
    run: {
      executions: NewmanExecution[];
      failures: { error: { message: string; test?: string }; source?: { name?: string } }[];
    };
  }
  export interface NewmanRunOptions {
    collection: unknown;
    /** An environment: a file path or the environment object. */
    environment?: unknown;
    envVar?: { key: string; value: string }[];
    iterationCount?: number;
    reporters?: string[];
    timeoutRequest?: number;
  }
  export function run(options: NewmanRunOptions, callback: (error: Error | null, summary: NewmanSummary) => void): unknown;
}
