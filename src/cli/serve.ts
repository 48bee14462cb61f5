// `intransit serve`: the organisation's lookup service (src/service, docs/lookup-service.md).
// The one module the CLI loads for it, only when the command runs: the service (Hono, the
// engine, and the Redis client when configured) stays out of every other command's start-up.
import type { Io } from './io.ts';

export async function run(args: readonly string[], io: Io): Promise<number> {
  const { runServe } = await import('../service/main.ts');
  return runServe(args, io, io.env);
}
