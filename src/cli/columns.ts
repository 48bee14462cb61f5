// Fitting text into terminal columns: display width, truncation with "…", and word wrapping.
// Works on display units (terminalUnits): a character, or an escape sequence kept whole.
import { terminalUnits } from './escape.ts';

// Characters that take two columns (East Asian Wide and Fullwidth, emoji) and ones that take none
// (combining marks). Approximate, as wcwidth is; enough to keep IDN domains aligned.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO = /^[\p{Mn}\p{Me}]$/u;

function unitWidth(unit: string): number {
  if (unit.length > 1 && unit.startsWith('\\')) return unit.length; // an escape such as \x1b
  if (ZERO.test(unit)) return 0;
  return WIDE.test(unit) ? 2 : 1;
}

/** Columns that already escaped text takes. */
export function displayWidth(escaped: string): number {
  let width = 0;
  for (const char of escaped) width += unitWidth(char);
  return width;
}

/** The text escaped, whole. */
export function fitAll(text: string): string {
  return terminalUnits(text).join('');
}

/** The text escaped and cut to `width` columns, ending in "…" when cut. */
export function fitEnd(text: string, width: number): string {
  const units = terminalUnits(text);
  if (units.reduce((sum, unit) => sum + unitWidth(unit), 0) <= width) return units.join('');
  let out = '';
  let used = 0;
  for (const unit of units) {
    const w = unitWidth(unit);
    if (used + w > width - 1) break;
    out += unit;
    used += w;
  }
  return `${out}…`;
}

/**
 * The text escaped and cut to `width` columns by taking out its middle ("mail.exa…ple.com"): both
 * ends of a domain name matter, the registered domain on the right most of all.
 */
export function fitMiddle(text: string, width: number): string {
  const units = terminalUnits(text);
  if (units.reduce((sum, unit) => sum + unitWidth(unit), 0) <= width) return units.join('');
  const budget = width - 1;
  let left = '';
  let right = '';
  let used = 0;
  let i = 0;
  let j = units.length - 1;
  // Right side first and slightly larger: the end of a name is what identifies it.
  for (let turn = 0; i <= j; turn++) {
    const takeRight = turn % 2 === 0;
    const unit = (takeRight ? units[j] : units[i]) as string;
    const w = unitWidth(unit);
    if (used + w > budget) break;
    used += w;
    if (takeRight) {
      right = unit + right;
      j--;
    } else {
      left += unit;
      i++;
    }
  }
  return `${left}…${right}`;
}

/** The escaped text padded with spaces to `width` columns. */
export function padTo(escaped: string, width: number): string {
  return escaped + ' '.repeat(Math.max(0, width - displayWidth(escaped)));
}

/** The text escaped, as lines of at most `width` columns broken at spaces (a longer word is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const units = terminalUnits(word);
    let w = units.reduce((sum, unit) => sum + unitWidth(unit), 0);
    if (line !== '' && used + 1 + w <= width) {
      line += ` ${units.join('')}`;
      used += 1 + w;
      continue;
    }
    if (line !== '') lines.push(line);
    while (w > width) {
      let chunk = '';
      let chunkWidth = 0;
      while (units.length > 0 && chunkWidth + unitWidth(units[0] as string) <= width) {
        const unit = units.shift() as string;
        chunk += unit;
        chunkWidth += unitWidth(unit);
      }
      if (chunk === '') chunk = units.shift() as string; // a unit wider than the line
      lines.push(chunk);
      w = units.reduce((sum, unit) => sum + unitWidth(unit), 0);
    }
    line = units.join('');
    used = w;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
