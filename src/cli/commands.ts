// The subcommands of `intransit`. Each is one module, loaded only when its command runs (the
// bundle puts each in its own chunk), so `--version`, `--help` and one command never pay for the
// others. A new subcommand is one entry here plus its module exporting run(args, io).
import { SERVE_USAGE } from '../service/options.ts';
import type { CommandModule } from './io.ts';

export interface CommandEntry {
  name: string;
  /** One line: the command and its arguments. */
  synopsis: string;
  /** What it does, its options and exit codes: shown by --help without loading the module. */
  help: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'check',
    synopsis: 'intransit check <address-or-domain>... [--json] [--resolver URL]... [--timeout MS] [--sender ID] [--service URL [--token T]]',
    help: `check        Says, per recipient domain, whether mail to it will be encrypted and whether that is
             enforced (MTA-STS, DANE), from DNS-over-HTTPS and the domain's MTA-STS policy file.
  --json              JSON output: an array of assessments
  --resolver URL      an RFC 8484 DoH endpoint (https://…), or dns://127.0.0.1[:53] / dns://[::1]
                      for a validating resolver on this machine (classic DNS: loopback only, as
                      its AD bit is trusted); repeatable; default: Cloudflare, then Google
  --timeout MS        time limit of the whole check (default 10000); what is not known by then is
                      reported as unknown
  --sender ID         what your sending provider enforces: gmail (MTA-STS), microsoft (MTA-STS
                      and DANE), yahoo or none (neither). Default: unknown ("if your provider …")
  --service URL       ask the organisation's lookup service (intransit serve) instead of checking
                      here; only the domains are sent, never the addresses
  --token T           the service's organisation token (default: INTRANSIT_TOKEN)
  Environment: HTTPS_PROXY (an http:// proxy for HTTP CONNECT), NO_PROXY (hosts to reach directly).
  Exit codes: 0 every domain protected or encrypted; 1 at least one unverified, misconfigured or
  undeliverable; 3 at least one could not be checked (unknown); 2 bad arguments.`,
    load: () => import('./check/command.ts'),
  },
  {
    name: 'lint-policy',
    synopsis: 'intransit lint-policy <file|-> [--json]',
    help: `lint-policy  Checks an MTA-STS policy file (RFC 8461) and lists its errors and warnings.
  --json              JSON output: the parse result
  Exit codes: 0 valid (warnings may be printed); 1 invalid; 2 bad arguments or unreadable file.`,
    load: () => import('./lint-policy.ts'),
  },
  {
    name: 'serve',
    synopsis: 'intransit serve [--listen HOST:PORT] [--resolver URL]... [--redis URL] [--tokens-file FILE] [...]',
    help: `serve        ${SERVE_USAGE.replace(/^intransit serve \[options\]\n\s*/, '')}`,
    load: () => import('./serve.ts'),
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((entry) => entry.name === name);
}

export function usage(entries: readonly CommandEntry[] = COMMANDS): string {
  return [
    'Usage:',
    ...entries.map((entry) => `  ${entry.synopsis}`),
    ...(entries === COMMANDS ? ['  intransit --help | --version'] : []),
    '',
    entries.map((entry) => entry.help).join('\n\n'),
  ].join('\n');
}
