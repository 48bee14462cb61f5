import { benchEngine, formatEngineRows } from './engine.ts';
console.log(formatEngineRows(await benchEngine([1, 25], 7)));
