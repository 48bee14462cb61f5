// `intransit check --service URL`: the same verdicts, asked of the organisation's lookup service
// (docs/lookup-service.md) instead of checked here. Only domains leave this process — addresses
// are reduced to their domain first, as the service refuses anything with '@'. Responses are
// validated against the shared schema (src/shared/lookup-api.ts). A service that cannot be
// reached, refuses the request or answers nonsense gives `unknown` for every target (exit 3),
// with the reason on standard error: never a silent fallback to checking directly.
import { assessAddresses, domainOfAddressOrDomain, notCheckedAssessment, SENDERS, type Assessment, type Resolver } from '../../core/index.ts';
import { CLIENT_HEADER, PATHS, parseAssessResponse, problemSchema } from '../../shared/lookup-api.ts';
import * as v from 'valibot';
import { escapeForTerminal, jsonForTerminal } from '../escape.ts';
import type { Io } from '../io.ts';
import type { CheckOptions } from './args.ts';
import { exitCode } from './engine.ts';
import { formatTable } from './table.ts';

declare const __INTRANSIT_VERSION__: string | undefined;
const CLIENT = `intransit-cli/${typeof __INTRANSIT_VERSION__ === 'string' ? __INTRANSIT_VERSION__ : 'development'}`;

/** Never asked: inputs that are not domains are answered by the engine without a lookup. */
const NO_RESOLVER: Resolver = {
  query: async (name, type) => ({ name, type, outcome: 'error', secure: false, records: [], ttl: 0, cnames: [] }),
};

type Slot = { kind: 'remote'; index: number } | { kind: 'local'; assessment: Assessment };

export async function checkThroughService(options: CheckOptions, io: Io): Promise<number> {
  const service = options.service as string;
  const domains: string[] = [];
  const seen = new Map<string, number>();
  const slots: Slot[] = [];
  for (const target of options.targets) {
    const parsed = domainOfAddressOrDomain(target);
    if (!parsed.ok) {
      // A malformed address or an address literal: no domain to ask about. Its row is the
      // engine's own answer (unknown, with the parser's reason), made here, as check does without
      // --service (docs/decisions.md "Bad arguments exit 2").
      const key = `invalid:${target.trim()}`;
      if (seen.has(key)) continue;
      seen.set(key, -1);
      const [local] = await assessAddresses([target], { resolver: NO_RESOLVER, fetch: null });
      slots.push({ kind: 'local', assessment: local as Assessment });
      continue;
    }
    if (seen.has(parsed.domain)) continue;
    seen.set(parsed.domain, domains.length);
    slots.push({ kind: 'remote', index: domains.length });
    domains.push(parsed.display);
  }

  let remote: Assessment[] = [];
  if (domains.length > 0) {
    const answer = await ask(service, domains, options);
    if (answer.ok) {
      remote = answer.results;
    } else {
      io.err(`intransit: ${escapeForTerminal(answer.problem)}`);
      const now = Date.now();
      remote = domains.map((domain) => notCheckedAssessment(domain, { code: answer.code, severity: 'error', message: `The lookup service could not answer: ${answer.problem}.` }, now, 0));
    }
  }
  const assessments = slots.map((slot) => (slot.kind === 'local' ? slot.assessment : (remote[slot.index] as Assessment)));
  io.out(options.json ? jsonForTerminal(assessments) : formatTable(assessments, io.columns === undefined ? {} : { columns: io.columns }));
  return exitCode(assessments);
}

type Answer = { ok: true; results: Assessment[] } | { ok: false; code: string; problem: string };

async function ask(service: string, domains: string[], options: CheckOptions): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', [CLIENT_HEADER]: CLIENT };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const sender = options.sender ? { mtaSts: SENDERS[options.sender].mtaSts, dane: SENDERS[options.sender].dane } : null;
  let response: Response;
  try {
    response = await fetch(`${service}${PATHS.assess}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ domains, sender }),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    const what = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `${error instanceof Error ? error.message : String(error)}${cause}`;
    return { ok: false, code: 'service.unreachable', problem: `${service} could not be reached: ${what}` };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.status !== 200) {
    const problem = v.safeParse(problemSchema, body);
    const detail = problem.success ? ` ${problem.output.code}${problem.output.detail ? `: ${problem.output.detail}` : ''}` : '';
    return { ok: false, code: 'service.refused', problem: `the lookup service answered HTTP ${response.status}${detail}` };
  }
  const parsed = parseAssessResponse(body, domains.length);
  if (!parsed.ok) return { ok: false, code: 'service.bad-response', problem: `the lookup service sent an invalid answer (${parsed.error})` };
  return { ok: true, results: parsed.value.results };
}

