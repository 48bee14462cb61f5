// `npm run fuzz`: the fuzzing properties of the unit tests (test/unit/fuzz/properties.ts), with
// at least 10^6 inputs in total, then the worst parse time of every adversarial 64 KiB shape and
// of random 64 KiB inputs. Exits 1 when a property fails (the counterexample is printed).
//
//   npm run fuzz                 # the full run
//   npm run fuzz -- --scale 0.1  # a tenth of the inputs
//   npm run fuzz -- --seed 42    # reproduce a run
import fc from 'fast-check';
import { PROPERTIES } from '../test/unit/fuzz/properties.ts';
import { SHAPES } from '../test/unit/parsers/linear-shapes.ts';
import { parseMtaStsPolicy } from '../src/core/mta-sts/policy.ts';
import { parseMtaStsRecords } from '../src/core/mta-sts/record.ts';
import { parseTlsRptRecords } from '../src/core/tls-rpt/record.ts';
import { decodeResponse } from '../src/core/dns/wire.ts';
import { normalizeDomain, parseRecipient } from '../src/core/address.ts';
import { mxMatchesPattern } from '../src/core/mta-sts/match.ts';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const scale = Number(option('scale') ?? 1);
const seed = Number(option('seed') ?? Date.now() % 2_147_483_647);
const KIB64 = 64 * 1024;

async function runProperties(): Promise<{ inputs: number; failures: number }> {
  console.log(`fuzz: seed ${seed}, scale ${scale}\n`);
  console.log('property'.padEnd(62), 'inputs'.padStart(9), 'seconds'.padStart(9), '  result');
  let inputs = 0;
  let failures = 0;
  for (const property of PROPERTIES) {
    const numRuns = Math.max(1, Math.round(property.runs.fuzz * scale));
    const start = performance.now();
    const details = await fc.check(property.build(), { numRuns, seed, endOnFailure: true });
    const seconds = (performance.now() - start) / 1000;
    inputs += details.numRuns;
    const result = details.failed ? 'FAILED' : 'ok';
    console.log(property.name.padEnd(62), String(details.numRuns).padStart(9), seconds.toFixed(1).padStart(9), ` ${result}`);
    if (details.failed) {
      failures++;
      console.log(`  counterexample: ${fc.stringify(details.counterexample)}`);
      console.log(`  error: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`);
      console.log(`  replay: { seed: ${details.seed}, path: "${details.counterexamplePath}" }`);
    }
  }
  return { inputs, failures };
}

/** Collects garbage before a timed run when node runs with --expose-gc (npm run fuzz does). */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function timeOf(run: () => unknown, reps: number): { best: number; median: number; worst: number } {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    collect();
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { best: times[0] as number, median: times[Math.floor(times.length / 2)] as number, worst: times[times.length - 1] as number };
}

function runShapes(): number {
  // The best of the runs is the parser's own cost; median and worst also carry whatever else the
  // machine was doing (GC is collected before each run when node has --expose-gc).
  console.log(`\nadversarial shapes at 64 KiB (20 runs each after warm-up; ms)`);
  console.log('shape'.padEnd(62), 'best'.padStart(8), 'median'.padStart(8), 'worst'.padStart(8));
  let worstOverall = 0;
  for (const shape of SHAPES) {
    shape.run(KIB64);
    const { best, median, worst } = timeOf(() => shape.run(KIB64), 20);
    worstOverall = Math.max(worstOverall, median);
    console.log(shape.name.padEnd(62), best.toFixed(2).padStart(8), median.toFixed(2).padStart(8), worst.toFixed(2).padStart(8));
  }
  return worstOverall;
}

/** Random 64 KiB inputs of every alphabet the grammars care about. */
function runRandom64k(): number {
  const parsers: [string, (text: string, bytes: Uint8Array) => unknown][] = [
    ['parseMtaStsPolicy', (t) => parseMtaStsPolicy(t)],
    ['parseMtaStsRecords', (t) => parseMtaStsRecords([t])],
    ['parseTlsRptRecords', (t) => parseTlsRptRecords([t])],
    ['mxMatchesPattern', (t) => mxMatchesPattern(t, t)],
    ['normalizeDomain / parseRecipient', (t) => [normalizeDomain(t), parseRecipient(t)]],
    ['decodeResponse', (_t, b) => decodeResponse(b)],
  ];
  const alphabets = [' \t;=,:', ' \t;=,:abv1.', 'v=STSv1; id=1 rua=mailto:a@b,', 'version: STSv1\nmode:enforce \t\r', '%4,; \t', '\u0000\u0001 \uFEFF\u202e'];
  let x = seed | 1;
  const random = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
  const samples = Math.max(10, Math.round(200 * scale));
  console.log(`\nrandom 64 KiB inputs (${samples} per parser; ms)`);
  console.log('parser'.padEnd(62), 'best'.padStart(8), 'median'.padStart(8), 'worst'.padStart(8));
  let worstOverall = 0;
  for (const [name, parse] of parsers) {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const alphabet = alphabets[i % alphabets.length] as string;
      const pieces: string[] = [];
      const run = 1 + Math.floor(random() * 64);
      for (let length = 0; length < KIB64; ) {
        const piece = (alphabet[Math.floor(random() * alphabet.length)] as string).repeat(1 + Math.floor(random() * run));
        pieces.push(piece);
        length += piece.length;
      }
      const text = pieces.join('').slice(0, KIB64);
      const bytes = new Uint8Array(KIB64);
      for (let j = 0; j < bytes.length; j++) bytes[j] = random() < 0.5 ? text.charCodeAt(j) & 0xff : Math.floor(random() * 256);
      parse(text, bytes); // warm
      collect();
      const start = performance.now();
      parse(text, bytes);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] as number;
    worstOverall = Math.max(worstOverall, median);
    console.log(name.padEnd(62), (times[0] as number).toFixed(2).padStart(8), median.toFixed(2).padStart(8), (times[times.length - 1] as number).toFixed(2).padStart(8));
  }
  return worstOverall;
}

const started = performance.now();
const { inputs, failures } = await runProperties();
const shapesWorst = runShapes();
const randomWorst = runRandom64k();
const total = ((performance.now() - started) / 1000).toFixed(1);
console.log(`\n${inputs} inputs, ${failures} failing properties; slowest 64 KiB shape (median) ${shapesWorst.toFixed(2)} ms, slowest random 64 KiB input (median) ${randomWorst.toFixed(2)} ms; ${total} s in all.`);
process.exitCode = failures > 0 ? 1 : 0;
