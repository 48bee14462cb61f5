// Property-based fuzzing of every public parser and the DoH wire decoder (fast-check): a few
// hundred inputs each here; `npm run fuzz` runs the same properties with ≥ 10^6 inputs.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { PROPERTIES } from './properties.ts';

describe('fuzzing: never throws, well-formed results, nothing protected out of garbage', () => {
  for (const property of PROPERTIES) {
    it(`${property.name} (${property.runs.test} inputs)`, async () => {
      await fc.assert(property.build(), { numRuns: property.runs.test });
    });
  }
});
