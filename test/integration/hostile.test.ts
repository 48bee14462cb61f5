// The hostile corpus (test/fixtures/hostile/) through the real engine: assessDomain and
// assessAddresses with the real DoH client (HTTP/2, as the CLI) against a DoH server that
// answers with hostile wire bytes and HTTP behaviours, and real HTTPS policy hosts with test-CA
// certificates on 127.0.0.20:443 (black holes on .21-.24, nothing on .25).
// Invariants over the whole corpus: the exact expected level (and key reason), zero false
// `protected`, zero crashes or unhandled rejections, zero hangs, every case within its time
// budget, bounded output and bounded memory per batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_CASES as ALL_CASES, type HostileCase } from '../fixtures/hostile/index.ts';
import type { Category } from '../fixtures/hostile/model.ts';
import { startHostileWorld, type HostileWorld } from '../support/hostile-world.ts';
import { judge, planBatches, runBatch, type BatchFigures, type CaseOutcome } from '../support/hostile-runner.ts';

/** MB: a batch may use this much heap above its start while it runs, and keep this much after. */
const BATCH_PEAK_HEAP_MB = 96;
const BATCH_RETAINED_HEAP_MB = 16;
/** MB: the whole corpus may leave this much heap behind (no leak across ~500 checks). */
const TOTAL_RETAINED_HEAP_MB = 24;
const CORPUS_MIN_CASES = 300;
// While working on the engine: HOSTILE_ONLY=<regex> runs only the matching case ids (the corpus
// size check then fails, so a filtered run can never pass for a full one).
const only = process.env.HOSTILE_ONLY ? new RegExp(process.env.HOSTILE_ONLY) : null;
const HOSTILE_CASES = only ? ALL_CASES.filter((c) => only.test(c.id)) : ALL_CASES;

let world: HostileWorld;
const outcomes = new Map<string, CaseOutcome>();
const figures: BatchFigures[] = [];
const unhandled: string[] = [];
let totalMs = 0;

const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  world = await startHostileWorld({ cases: HOSTILE_CASES, loopback: { hosts: 20, tcpHole: 21, tlsHole: 22, garbage: 23, plainHttp: 24, refused: 25 } });
  const started = performance.now();
  for (const batch of planBatches(HOSTILE_CASES)) figures.push(await runBatch(world, batch, outcomes));
  totalMs = performance.now() - started;
}, 240_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await world?.close();
});

const CATEGORIES: Category[] = ['dns', 'policy', 'strings', 'dane', 'address'];

describe('hostile corpus through the engine', () => {
  it(`has at least ${CORPUS_MIN_CASES} cases with unique ids, each with a reason for its expectation`, () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(CORPUS_MIN_CASES);
    expect(new Set(HOSTILE_CASES.map((c) => c.id)).size).toBe(HOSTILE_CASES.length);
    // Every expectation names its source: an RFC section, docs/decisions.md, or issue 7.
    for (const c of HOSTILE_CASES) expect(c.why, c.id).toMatch(/RFC \d+|docs\/decisions|issue 7|decision/i);
  });

  for (const category of CATEGORIES) {
    describe(category, () => {
      for (const c of HOSTILE_CASES.filter((x) => x.category === category)) {
        it(`${c.id}: ${c.title} -> ${c.expect.level}${c.expect.code ? ` (${c.expect.code})` : ''}`, () => {
          expect(judge(c, outcomes.get(c.id))).toEqual([]);
        });
      }
    });
  }

  it('never says protected where the expectation is not protected (zero false protected)', () => {
    const falseProtected = HOSTILE_CASES.filter((c) => c.expect.level !== 'protected' && (outcomes.get(c.id)?.assessments ?? []).some((a) => a.level === 'protected'));
    expect(falseProtected.map((c) => c.id)).toEqual([]);
  });

  it('no crash, no hang, no unhandled rejection', () => {
    const broken = [...outcomes.values()].filter((o) => o.error !== undefined || o.hung).map((o) => `${o.id}: ${o.error ?? 'hang'}`);
    expect(broken).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it(`memory per batch stays bounded (peak heap +${BATCH_PEAK_HEAP_MB} MB, retained +${BATCH_RETAINED_HEAP_MB} MB, total retained +${TOTAL_RETAINED_HEAP_MB} MB)`, () => {
    report();
    for (const f of figures) {
      expect(f.heapPeakDeltaMb, f.name).toBeLessThanOrEqual(BATCH_PEAK_HEAP_MB);
      expect(f.heapRetainedDeltaMb, f.name).toBeLessThanOrEqual(BATCH_RETAINED_HEAP_MB);
    }
    const first = figures[0];
    const last = figures.at(-1);
    if (first && last) expect(last.heapBeforeMb + last.heapRetainedDeltaMb - first.heapBeforeMb).toBeLessThanOrEqual(TOTAL_RETAINED_HEAP_MB);
  });
});

/** Figures for the notes: cases per category, time, memory per batch, every failing case. */
function report(): void {
  const count = (category: Category) => HOSTILE_CASES.filter((c) => c.category === category).length;
  const failing = HOSTILE_CASES.map((c: HostileCase) => ({ id: c.id, problems: judge(c, outcomes.get(c.id)) })).filter((f) => f.problems.length > 0);
  const lines = [
    `hostile corpus: ${HOSTILE_CASES.length} cases (${CATEGORIES.map((c) => `${c} ${count(c)}`).join(', ')}) in ${Math.round(totalMs)} ms`,
    ...figures.map((f) => `  ${f.name.padEnd(11)} ${String(f.cases).padStart(3)} cases ${String(f.ms).padStart(6)} ms  heap ${f.heapBeforeMb} MB, peak +${f.heapPeakDeltaMb} MB, retained +${f.heapRetainedDeltaMb} MB, RSS peak +${f.rssPeakDeltaMb} MB, loop blocked ≤ ${f.loopDelayMaxMs} ms`),
    `failing: ${failing.length}`,
    ...failing.map((f) => `  ${f.id}: ${f.problems.join(' | ')}`),
  ];
  console.log(lines.join('\n'));
}
