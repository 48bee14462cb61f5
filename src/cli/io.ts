// What a command may touch of the process: output, input, environment and terminal width.
// Injected, so the commands run the same in tests as from bin/intransit.mjs.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  /** The environment (HTTPS_PROXY, NO_PROXY …). */
  env: Readonly<Record<string, string | undefined>>;
  /** Columns of the terminal that standard output goes to; undefined when it is not a terminal. */
  columns?: number;
}

/** Bad arguments: main prints `intransit: <message>` on one line and exits 2. */
export class UsageError extends Error {}

/** What every command module exports; main loads it only when its command is run. */
export interface CommandModule {
  run(args: readonly string[], io: Io): Promise<number>;
}
