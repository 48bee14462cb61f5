// `npm run bench`: the project's own benchmarks. Prints Markdown tables (pasted into notes).
import { benchEngine, formatEngineRows } from './engine.ts';

const only = process.argv[2];
if (!only || only === 'engine') {
  console.log('## Engine: cold/warm assessment with a per-request delay D on resolver and policy hosts\n');
  console.log(formatEngineRows(await benchEngine()));
}
