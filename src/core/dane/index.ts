// DANE for SMTP (RFC 7672): per-host evaluation and the domain-level summary.
export { evaluateDane, tlsaQueryName, DANE_MAX_TTL } from './evaluate.ts';
export type { DaneInput, DaneDeps, DaneResult } from './evaluate.ts';
export { summarizeDane } from './summary.ts';
export type { DaneSummary, DaneSummaryOptions } from './summary.ts';
export { isUsableTlsa, TLSA_USAGE_NAMES } from './tlsa.ts';
