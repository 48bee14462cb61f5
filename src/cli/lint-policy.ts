// `intransit lint-policy <file|->`: checks an MTA-STS policy file (RFC 8461 s3.2) and lists its
// errors and warnings. Messages quote the file's own text, so they are escaped like network text.
import { readFileSync } from 'node:fs';
import { parseMtaStsPolicy, type Diagnostic } from '../core/index.ts';
import { escapeForTerminal, jsonForTerminal } from './escape.ts';
import { UsageError, type Io } from './io.ts';

/** RFC 8461 senders stop reading a policy at 64 KiB. */
const MAX_POLICY_BYTES = 65_536;

export function parseLintArgs(args: readonly string[]): { file: string; json: boolean } {
  let file: string | undefined;
  let json = false;
  for (const arg of args) {
    if (arg === '--json') json = true;
    else if (arg !== '-' && arg.startsWith('-')) throw new UsageError(`unknown option '${escapeForTerminal(arg)}' for lint-policy`);
    else if (file !== undefined) throw new UsageError('lint-policy takes one file (or - for standard input)');
    else file = arg;
  }
  if (file === undefined) throw new UsageError('lint-policy needs a file (or - for standard input)');
  return { file, json };
}

export async function run(args: readonly string[], io: Io): Promise<number> {
  const { file, json } = parseLintArgs(args);
  const name = escapeForTerminal(file);
  let body: string;
  try {
    const bytes = file === '-' ? Buffer.from(await io.readStdin(), 'utf8') : readFileSync(file);
    if (bytes.length > MAX_POLICY_BYTES) {
      io.err(`intransit: ${name} is ${bytes.length} bytes; a policy file may be at most ${MAX_POLICY_BYTES} (RFC 8461 senders stop there)`);
      return 1;
    }
    body = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    const message = error instanceof TypeError ? 'is not valid UTF-8' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    io.err(`intransit: ${name} ${message}`);
    return error instanceof TypeError ? 1 : 2;
  }
  const parsed = parseMtaStsPolicy(body);
  const result = parsed.ok
    ? { ok: true, policy: parsed.policy, errors: [], warnings: parsed.warnings }
    : { ok: false, errors: [parsed.error], warnings: [] };
  io.out(json ? jsonForTerminal(result) : formatLint(result));
  return parsed.ok ? 0 : 1;
}

export function formatLint(result: { ok: boolean; errors: readonly Diagnostic[]; warnings: readonly Diagnostic[] }): string {
  const lines = [result.ok ? 'valid MTA-STS policy' : 'INVALID MTA-STS policy'];
  for (const e of result.errors) lines.push(`error   ${escapeForTerminal(e.code)}: ${escapeForTerminal(e.message)}`);
  for (const w of result.warnings) lines.push(`warning ${escapeForTerminal(w.code)}: ${escapeForTerminal(w.message)}`);
  return lines.join('\n');
}
