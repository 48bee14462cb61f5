// Human-readable output of the CLI: a table of verdicts, and a lint report.
import type { Assessment, Diagnostic } from '../core/index.ts';

const GLYPH: Record<string, string> = {
  protected: '✔',
  encrypted: '~',
  unverified: '!',
  misconfigured: '✖',
  undeliverable: '✖',
  unknown: '?',
};

export function formatTable(assessments: readonly Assessment[]): string {
  const rows = assessments.map((a) => [a.displayDomain ?? a.domain, `${GLYPH[a.level] ?? ''} ${a.level}`, keyEvidence(a), a.reasons[0]?.message ?? '']);
  const header = ['DOMAIN', 'LEVEL', 'EVIDENCE', 'REASON'];
  const widths = [0, 1, 2].map((i) => Math.min(40, Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function keyEvidence(a: Assessment): string {
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

export function formatLint(result: { ok: boolean; errors: Diagnostic[]; warnings: Diagnostic[] }): string {
  const lines = [result.ok ? 'valid MTA-STS policy' : 'INVALID MTA-STS policy'];
  for (const e of result.errors) lines.push(`error   ${e.code}: ${e.message}`);
  for (const w of result.warnings) lines.push(`warning ${w.code}: ${w.message}`);
  return lines.join('\n');
}
