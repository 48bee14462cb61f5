// `intransit`: the command-line face of src/core. This module is the bundle's entry and stays
// tiny: --version and --help load nothing else; a command's module is loaded when it runs.
import { COMMANDS, findCommand, usage } from './commands.ts';
import { escapeForTerminal } from './escape.ts';
import { UsageError, type Io } from './io.ts';

// The bundle replaces this with package.json's version at build time (bin/build-cli.mjs).
declare const __INTRANSIT_VERSION__: string | undefined;
export const VERSION = typeof __INTRANSIT_VERSION__ === 'string' ? __INTRANSIT_VERSION__ : 'development';

export { type Io } from './io.ts';

/** Runs one command line; resolves to the exit code. Never throws for bad input. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(usage());
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const entry = rest[0] === undefined ? undefined : findCommand(rest[0]);
    io.out(entry ? usage([entry]) : usage());
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.out(VERSION);
    return 0;
  }
  const entry = findCommand(first);
  if (!entry) {
    io.err(`intransit: unknown command '${escapeForTerminal(first)}' (expected ${COMMANDS.map((c) => c.name).join(' or ')}; see --help)`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(usage([entry]));
    return 0;
  }
  try {
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`intransit: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** The process around main(): real streams and environment, the exit code, and a guaranteed exit. */
export async function runProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // A reader that stops early (`intransit check … | head -1`) is not an error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw error;
    });
  }
  const io: Io = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
  };
  let code: number;
  try {
    code = await main(argv, io);
  } catch (error) {
    io.err(`intransit: internal error: ${escapeForTerminal(error instanceof Error ? error.message : String(error))}`);
    code = 70;
  }
  process.exitCode = code;
  const exitOnceFlushed = (): void => {
    const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
    if (pending.length === 0) process.exit(code);
    for (const stream of pending) stream.once('drain', exitOnceFlushed);
  };
  // The result is out: end now instead of waiting for the sockets to close and for Node's own
  // teardown (2-3 ms of every run). With INTRANSIT_DEBUG_EXIT the process ends by itself, as it
  // must (the fetches close every connection at the end of a command), and says what still holds
  // the event loop if that takes over 500 ms: the tests set it, so a leaked handle still fails them.
  if (!io.env.INTRANSIT_DEBUG_EXIT) {
    exitOnceFlushed();
    return;
  }
  const timer = setTimeout(() => {
    io.err(`intransit: forced exit; still open: ${process.getActiveResourcesInfo().join(', ')}`);
    exitOnceFlushed();
  }, 500);
  timer.unref();
}
