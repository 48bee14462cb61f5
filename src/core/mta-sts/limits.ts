// Bounds on what the engine keeps from DNS and policy files: a hostile record or policy must not
// bloat an assessment, a cache entry or the popup (docs/decisions.md "Engine": bounded assessments).
import type { Diagnostic } from '../types.ts';

export const MAX_WARNINGS = 20;
export const MAX_STRING = 256;
export const MAX_LIST = 64;

/** Cuts a string from the network to a displayable length and removes control characters. */
export function capText(text: string, max = MAX_STRING): string {
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\t' ? ' ' : '\uFFFD'));
  return printable.length > max ? `${printable.slice(0, max - 1)}…` : printable;
}

/** A diagnostic whose message and code are length-capped. */
export function capDiagnostic<D extends Diagnostic>(d: D): D {
  return { ...d, code: capText(d.code, 64), message: capText(d.message) };
}

/** At most MAX_WARNINGS capped warnings; when some are dropped the last one says so. */
export function capWarnings(warnings: readonly Diagnostic[]): Diagnostic[] {
  if (warnings.length <= MAX_WARNINGS) return warnings.map(capDiagnostic);
  const kept = warnings.slice(0, MAX_WARNINGS - 1).map(capDiagnostic);
  kept.push({ code: 'warnings.truncated', message: `${warnings.length - kept.length} more warnings were left out.` });
  return kept;
}

/** Quotes a value from the network for a diagnostic message. */
export function quote(value: string, max = 64): string {
  return JSON.stringify(capText(value, max));
}
