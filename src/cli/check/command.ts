// `intransit check`: the first part, kept light. It parses the arguments, starts the deadline and
// opens the DoH connection to the first resolver at once (TCP + TLS + SETTINGS), and only then
// loads the engine (engine.ts, most of the bundle), so the handshake overlaps the loading instead
// of following it. Every DoH query of the run then goes over that one HTTP/2 connection.
import type { FetchLike } from '../../core/types.ts';
import { createHttp2Fetch } from '../../node/http2-fetch.ts';
import type { NodeHttpsFetch } from '../../node/https-fetch.ts';
import type { Io } from '../io.ts';
import { parseCheckArgs } from './args.ts';
import { startDeadline } from './deadline.ts';

export async function run(args: readonly string[], io: Io): Promise<number> {
  const options = parseCheckArgs(args, io.env);
  if (options.service !== undefined) {
    const { checkThroughService } = await import('./service.ts');
    return checkThroughService(options, io);
  }
  const deadline = startDeadline(options.timeoutMs);
  const connect = { connectTimeoutMs: options.timeoutMs, ...(options.proxy ? { proxy: options.proxy } : {}) };
  // DoH over one HTTP/2 connection per resolver (RFC 8484 s5.2), HTTP/1.1 for a resolver that
  // offers nothing else (loaded only then: node:https costs start-up time).
  let http1: Promise<NodeHttpsFetch> | undefined;
  const http1Fallback: FetchLike = async (input, init) => {
    http1 ??= import('../../node/https-fetch.ts').then(({ createNodeHttpsFetch }) => createNodeHttpsFetch(connect));
    return (await http1)(input, init);
  };
  const doh = createHttp2Fetch({ ...connect, http1Fallback });
  doh.preconnect(options.resolvers[0] as string);
  try {
    const { check } = await import('./engine.ts');
    return await check(options, { doh, deadline, connect }, io);
  } finally {
    doh.close();
    (await http1)?.close();
  }
}
