// The shared wire contract (src/shared/lookup-api.ts): what a client accepts from a service.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { refusedAssessment } from '../../../src/service/engine.ts';
import { assessRequestSchema, LOOKUP_API, parseAssessResponse, problemSchema } from '../../../src/shared/lookup-api.ts';

const result = (domain: string) => ({ ...refusedAssessment(domain, 'special-use', 1_700_000_000_000), expiresIn: 3600, cache: 'miss' });
const body = (results: unknown[]) => ({ api: LOOKUP_API, engine: '0.1.0', service: { name: 'Example Org' }, results });

describe('assess response', () => {
  it('accepts one result per distinct requested domain', () => {
    const parsed = parseAssessResponse(body([result('a.example'), result('b.example')]), 2);
    expect(parsed.ok).toBe(true);
  });

  it('drops fields it does not know (a newer service stays readable)', () => {
    const parsed = parseAssessResponse({ ...body([{ ...result('a.example'), probe: { state: 'done' } }]), extra: 1 }, 1);
    expect(parsed.ok && Object.keys(parsed.value)).toEqual(['api', 'engine', 'service', 'results']);
    expect(parsed.ok && 'probe' in (parsed.value.results[0] as object)).toBe(false);
  });

  it.each([
    ['a missing result', body([result('a.example')]), 2, /expected 2 results, got 1/],
    ['another API', { ...body([result('a.example')]), api: 'intransit-lookup/2' }, 1, /api/],
    ['an unknown level', body([{ ...result('a.example'), level: 'safe' }]), 1, /results\.0\.level/],
    ['no reason', body([{ ...result('a.example'), reasons: [] }]), 1, /reasons/],
    ['a huge message', body([{ ...result('a.example'), reasons: [{ code: 'x', severity: 'info', message: 'x'.repeat(2001) }] }]), 1, /message/],
    ['a negative expiresIn', body([{ ...result('a.example'), expiresIn: -1 }]), 1, /expiresIn/],
    ['not an object', 'ok', 1, /body/],
  ])('refuses %s', (_what, json, count, message) => {
    const parsed = parseAssessResponse(json, count);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe('request and problem schemas', () => {
  it('the request schema is the one the service checks', () => {
    expect(v.is(assessRequestSchema, { domains: ['a.example'], sender: null })).toBe(true);
    expect(v.is(assessRequestSchema, { domains: [] })).toBe(false);
  });

  it('problem+json bodies carry a stable code', () => {
    expect(v.is(problemSchema, { type: 'about:blank', title: 'Too Many Requests', status: 429, code: 'rate-limited', detail: 'later' })).toBe(true);
    expect(v.is(problemSchema, { type: 'about:blank', title: 'OK', status: 200, code: 'x' })).toBe(false);
  });
});
