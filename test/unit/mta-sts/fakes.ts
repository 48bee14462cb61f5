// Test doubles for discovery: a resolver answering from a table, a policy host, and a clock.
import type { DnsOutcome, DnsResult, FetchLike, RecordData, Resolver, RRType } from '../../../src/core/types.ts';

export type FakeAnswer = { outcome: DnsOutcome; records?: string[][]; ttl?: number; error?: string } | 'throw';

export class FakeResolver implements Resolver {
  readonly queries: string[] = [];
  constructor(public answers: Record<string, FakeAnswer> = {}) {}

  query<T extends RRType>(name: string, type: T): Promise<DnsResult<T>> {
    this.queries.push(`${name} ${type}`);
    const answer = this.answers[`${name} ${type}`] ?? { outcome: 'nxdomain' };
    if (answer === 'throw') return Promise.reject(new Error('resolver exploded'));
    return Promise.resolve({
      name,
      type,
      outcome: answer.outcome,
      secure: false,
      records: (answer.records ?? []) as RecordData[T][],
      ttl: answer.ttl ?? 300,
      cnames: [],
      ...(answer.error ? { error: answer.error } : {}),
    });
  }
}

export const txt = (...records: string[]): FakeAnswer => ({ outcome: 'answer', records: records.map((r) => [r]), ttl: 3600 });

export class FakePolicyHost {
  readonly requests: string[] = [];
  constructor(public respond: (url: string) => Response | Promise<Response>) {}
  readonly fetch: FetchLike = async (url) => {
    this.requests.push(url);
    return this.respond(url);
  };
}

export const policyResponse = (body: string): Response => new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } });

export class FakeClock {
  constructor(public ms = Date.UTC(2025, 0, 1)) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
