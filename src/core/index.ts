// The public API of the assessment engine (other parts and outside checks call these names).
export { assessDomain, assessAddresses, type AssessDeps } from './assess.ts';
export { LEVEL_ORDER, levelRank, worstLevel, isAtOrBelow } from './levels.ts';
export type * from './types.ts';
