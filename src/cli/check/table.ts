// The human-readable result of `check`: one row per domain. DOMAIN and EVIDENCE are capped and
// cut with "…" so the columns stay aligned; REASON comes last and is never cut: on a terminal it
// wraps under its own column, in a pipe each row stays one line (grep-friendly).
// Every cell is escaped (escape.ts): domains, evidence and reasons carry text from the network.
// LEVEL is the level's glyph and name from the extension's level table (src/shared/level-table.ts),
// in English: one vocabulary in the badge, the popup and here.
import type { Assessment } from '../../core/index.ts';
import { englishLevel } from '../../shared/english.ts';
import { LEVELS_BY_RANK } from '../../shared/level-table.ts';
import { displayWidth, fitAll, fitEnd, fitMiddle, padTo, wrap } from '../columns.ts';

export const DOMAIN_WIDTH = 40;
export const EVIDENCE_WIDTH = 40;
/** Wide enough for every level's glyph and name ("! No protection published"). */
const LEVEL_WIDTH = Math.max(...LEVELS_BY_RANK.map((level) => displayWidth(englishLevel(level))));
/** Below this many columns for REASON, wrapping helps nobody: rows stay one line. */
const MIN_REASON_WIDTH = 24;
const GAP = '  ';

export interface TableOptions {
  /** Terminal width: REASON wraps to it. Undefined (not a terminal): no wrapping. */
  columns?: number;
}

export function formatTable(assessments: readonly Assessment[], options: TableOptions = {}): string {
  const rows = assessments.map((a) => [
    fitMiddle(a.displayDomain ?? a.domain, DOMAIN_WIDTH),
    fitEnd(englishLevel(a.level), LEVEL_WIDTH),
    fitEnd(keyEvidence(a), EVIDENCE_WIDTH),
    a.reasons[0]?.message ?? '',
  ] as const);
  const header = ['DOMAIN', 'LEVEL', 'EVIDENCE', 'REASON'] as const;
  const widths = [0, 1, 2].map((i) => Math.max(displayWidth(header[i] as string), ...rows.map((r) => displayWidth(r[i] as string))));
  const indent = widths.reduce((sum, w) => sum + w + GAP.length, 0);
  const reasonWidth = options.columns === undefined ? undefined : options.columns - indent;
  const render = (cells: readonly string[]): string[] => {
    const lead = [0, 1, 2].map((i) => padTo(cells[i] as string, widths[i] as number)).join(GAP) + GAP;
    const reason = cells[3] as string;
    if (reasonWidth === undefined || reasonWidth < MIN_REASON_WIDTH) return [(lead + fitAll(reason)).trimEnd()];
    const [first = '', ...more] = wrap(reason, reasonWidth);
    return [(lead + first).trimEnd(), ...more.map((line) => ' '.repeat(indent) + line)];
  };
  return [...render(header), ...rows.flatMap(render)].join('\n');
}

/** The evidence that decided the level, in a few words. */
export function keyEvidence(a: Assessment): string {
  const e = a.evidence;
  const parts: string[] = [];
  if (e.mx.nullMx) parts.push('null MX');
  else if (e.mx.hosts.length > 0) parts.push(`MX ${e.mx.hosts[0]!.host}${e.mx.hosts.length > 1 ? ` +${e.mx.hosts.length - 1}` : ''}${e.mx.implicit ? ' (implicit)' : ''}`);
  if (e.mtaSts.mode) parts.push(`STS ${e.mtaSts.mode}`);
  else if (e.mtaSts.record === 'valid') parts.push(`STS ${e.mtaSts.policy}`);
  const daneHosts = e.dane.hosts.filter((h) => h.status === 'dane').length;
  if (daneHosts > 0) parts.push(`DANE ${daneHosts}/${e.dane.hosts.length}${e.dane.mxSecure ? '' : ' (MX unsigned)'}`);
  if (e.tlsRpt.record === 'valid') parts.push('TLS-RPT');
  return parts.join(', ');
}
