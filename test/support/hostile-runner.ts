// Runs the hostile corpus through the real engine (assessDomain / assessAddresses with the real
// DoH client and policy fetch against the hostile world), in concurrent batches, and judges
// each outcome: the exact expected level (and reason code), no crash, no hang, within its time
// budget, bounded output. Memory is measured per batch (heap with forced GC before and after,
// peak heap and RSS sampled while it runs).
import { setMaxListeners } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { assessAddresses, assessDomain, type Assessment } from '../../src/core/index.ts';
import { domainOf, type Budget, type HostileCase } from '../fixtures/hostile/model.ts';
import { BUDGET_MS, type HostileWorld } from './hostile-world.ts';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** A case still running this long after its budget counts as hung (it is then abandoned). */
export const HANG_GRACE_MS = 5_000;
/** No string in an assessment may be longer (reason messages name at most a few hosts). */
export const MAX_OUTPUT_STRING = 2_048;
/** Nor the whole assessment, as JSON. */
export const MAX_ASSESSMENT_JSON = 64 * 1024;

export interface CaseOutcome {
  id: string;
  ms: number;
  assessments?: Assessment[];
  error?: string;
  hung: boolean;
}

export interface BatchFigures {
  name: string;
  cases: number;
  ms: number;
  /** MB, heap used after GC before the batch. */
  heapBeforeMb: number;
  /** MB, peak heap used during the batch minus heapBefore. */
  heapPeakDeltaMb: number;
  /** MB, heap used after GC after the batch minus heapBefore (what the batch left behind). */
  heapRetainedDeltaMb: number;
  /** MB, peak RSS during the batch minus RSS before. */
  rssPeakDeltaMb: number;
  /** ms, the longest the event loop (engine and servers share it) was blocked during the batch. */
  loopDelayMaxMs: number;
}

const MB = 1024 * 1024;

export async function runCase(world: HostileWorld, c: HostileCase): Promise<CaseOutcome> {
  const setup = world.setups.get(c.id);
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let release = (): void => {};
  try {
    const { deps, close } = world.deps(c);
    release = close;
    // A hung case is aborted (AssessDeps.signal) and its DoH session closed, so that it cannot
    // eat the CPU and memory of the batches after it.
    const abort = new AbortController();
    // Every open query of the case listens to it (the engine's contract): dozens are expected.
    setMaxListeners(0, abort.signal);
    const work = setup?.inputs ? assessAddresses(setup.inputs, { ...deps, signal: abort.signal }) : assessDomain(domainOf(c), { ...deps, signal: abort.signal }).then((a) => [a]);
    // An abandoned (hung) case must not leave an unhandled rejection behind.
    work.catch(() => undefined);
    const guard = new Promise<'hang'>((resolve) => {
      timer = setTimeout(() => resolve('hang'), BUDGET_MS[c.expect.budget] + HANG_GRACE_MS);
    });
    const result = await Promise.race([work, guard]);
    const ms = performance.now() - started;
    if (result === 'hang') {
      abort.abort(new Error(`hostile case ${c.id} hung`));
      release();
      return { id: c.id, ms, hung: true };
    }
    release();
    return { id: c.id, ms, assessments: result, hung: false };
  } catch (error) {
    release();
    return { id: c.id, ms: performance.now() - started, hung: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export interface Batch {
  name: string;
  cases: HostileCase[];
}

/**
 * Fast cases in batches of `fastSize`; every case that waits on a timeout in one batch (they
 * mostly wait, so they overlap well); heavy cases in small batches of their own, last, so their
 * time and memory are theirs.
 */
export function planBatches(cases: readonly HostileCase[], fastSize = 48, heavySize = 3): Batch[] {
  const by = (budgets: Budget[]) => cases.filter((c) => budgets.includes(c.expect.budget));
  const chunk = (list: HostileCase[], size: number, name: string): Batch[] => {
    const out: Batch[] = [];
    for (let i = 0; i < list.length; i += size) out.push({ name: `${name} ${i / size + 1}`, cases: list.slice(i, i + size) });
    return out;
  };
  return [
    ...chunk(by(['fast']), fastSize, 'fast'),
    ...chunk(by(['dns-timeout', 'policy-timeout', 'dane-timeout']), 200, 'timeouts'),
    ...chunk(by(['heavy']), heavySize, 'heavy'),
  ];
}

export async function runBatch(world: HostileWorld, batch: Batch, into: Map<string, CaseOutcome>): Promise<BatchFigures> {
  collect();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sample = (): void => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  };
  const sampler = setInterval(sample, 20);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  const outcomes = await Promise.all(batch.cases.map((c) => runCase(world, c)));
  const ms = performance.now() - started;
  clearInterval(sampler);
  loop.disable();
  sample();
  for (const outcome of outcomes) into.set(outcome.id, outcome);
  collect();
  const after = process.memoryUsage();
  return {
    name: batch.name,
    cases: batch.cases.length,
    ms: Math.round(ms),
    heapBeforeMb: round(before.heapUsed / MB),
    heapPeakDeltaMb: round((peakHeap - before.heapUsed) / MB),
    heapRetainedDeltaMb: round((after.heapUsed - before.heapUsed) / MB),
    rssPeakDeltaMb: round((peakRss - before.rss) / MB),
    loopDelayMaxMs: Math.round(loop.max / 1e6),
  };
}

const round = (x: number): number => Math.round(x * 10) / 10;

/** Every problem with a case's outcome, as readable lines ([] when it meets its expectation). */
export function judge(c: HostileCase, outcome: CaseOutcome | undefined): string[] {
  if (!outcome) return ['never ran'];
  if (outcome.error) return [`crash: ${outcome.error}`];
  if (outcome.hung) return [`hang: still running ${Math.round(outcome.ms)} ms after start (budget ${BUDGET_MS[c.expect.budget]} ms)`];
  const problems: string[] = [];
  const assessments = outcome.assessments ?? [];
  const first = assessments[0];
  if (!first) return ['no assessment'];
  const { expect } = c;
  if (first.level !== expect.level) problems.push(`level: expected ${expect.level}, got ${first.level} (${first.reasons.map((r) => r.code).join(', ')}: ${JSON.stringify(first.reasons[0]?.message.slice(0, 200))})`);
  if (expect.code !== undefined && first.reasons[0]?.code !== expect.code) problems.push(`reason: expected ${expect.code}, got ${first.reasons[0]?.code ?? 'none'}`);
  if (expect.problem !== undefined && first.evidence.mtaSts.problem?.code !== expect.problem) problems.push(`policy problem: expected ${expect.problem}, got ${first.evidence.mtaSts.problem?.code ?? 'none'}`);
  if (expect.levels !== undefined) {
    const got = assessments.map((a) => a.level);
    if (JSON.stringify(got) !== JSON.stringify(expect.levels)) problems.push(`levels: expected ${expect.levels.join(',')}, got ${got.join(',')}`);
  }
  if (outcome.ms > BUDGET_MS[expect.budget]) problems.push(`time: ${Math.round(outcome.ms)} ms over the ${expect.budget} budget of ${BUDGET_MS[expect.budget]} ms`);
  for (const a of assessments) problems.push(...outputProblems(a));
  if (expect.check) {
    try {
      expect.check(assessments, domainOf(c));
    } catch (error) {
      problems.push(`check: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

/** The assessment is plain data, every string capped, the whole bounded, at least one reason. */
export function outputProblems(a: Assessment): string[] {
  const problems: string[] = [];
  if (a.reasons.length === 0) problems.push('no reason');
  for (const r of a.reasons) if (typeof r.code !== 'string' || typeof r.message !== 'string' || r.message === '') problems.push(`malformed reason ${JSON.stringify(r)}`);
  let json: string;
  try {
    json = JSON.stringify(a);
  } catch (error) {
    return [...problems, `not serialisable: ${String(error)}`];
  }
  if (json.length > MAX_ASSESSMENT_JSON) problems.push(`assessment is ${json.length} bytes of JSON (cap ${MAX_ASSESSMENT_JSON})`);
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (value.length > MAX_OUTPUT_STRING) problems.push(`${path} is ${value.length} characters (cap ${MAX_OUTPUT_STRING})`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    } else if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      problems.push(`${path} is a ${typeof value}`);
    }
  };
  walk(a, 'assessment');
  return problems.slice(0, 5);
}
