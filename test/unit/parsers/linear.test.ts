// Every public parser runs in time linear in its input (no regular expression that backtracks on
// attacker-controlled text). Asserted by growth, not by wall-clock limits: the time for 8n must
// stay far below the 64x a quadratic parser needs (the best of several runs is compared, so a
// stray GC pause cannot fail it). `npm run fuzz` reports the absolute times at 64 KiB.
import { describe, expect, it } from 'vitest';
import { SHAPES } from './linear-shapes.ts';

function best(run: () => unknown, reps: number): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

const SMALL = 2048;
const LARGE = SMALL * 8;
/** Linear growth gives ~8, quadratic ~64; the floor keeps timer resolution out of the ratio. */
const MAX_RATIO = 24;
const FLOOR_MS = 0.05;

describe('parsers are linear (8x input, far less than 64x time)', () => {
  it.each(SHAPES.map((shape) => [shape.name, shape] as const))('%s', (_name, shape) => {
    shape.run(LARGE); // warm up the JIT on the same path
    const small = best(() => shape.run(SMALL), 7);
    const large = best(() => shape.run(LARGE), 7);
    expect(large / Math.max(small, FLOOR_MS)).toBeLessThan(MAX_RATIO);
  });

  it.each(SHAPES.map((shape) => [shape.name, shape] as const))('64 KiB of "%s" gives a defined result', (_name, shape) => {
    expect(shape.run(64 * 1024)).toBeDefined();
  });
});
