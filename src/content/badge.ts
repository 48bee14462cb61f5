// The inline badge shown in each compose. It lives in a closed shadow root
// (no CSS bleed either way; the page cannot read it), is built with createElement/textContent
// only (Gmail enforces Trusted Types), has a fixed height so nothing below it moves when its
// text changes, never takes focus by itself, and keeps its key events away from the page.
import type { BgComposeVerdicts, DisplayLevel } from '../shared/messages.ts';
import { t } from '../shared/i18n.ts';
import type { BadgeAnchor } from './adapter.ts';
import { OWN_ATTR } from './own.ts';

/** Never colour alone: each level has a glyph (and its label in text). */
const GLYPH: Record<DisplayLevel, string> = {
  internal: '\u2713', // ✓
  required: '\u2713',
  protected: '\u2713',
  encrypted: '\u25D0', // ◐ half: encrypted, not guaranteed
  unverified: '\u26A0', // ⚠
  misconfigured: '\u26A0',
  undeliverable: '\u2715', // ✕
  unknown: '?',
  checking: '\u25CC', // ◌ dotted circle: not known yet
  skipped: '\u2013', // – en dash: not checked on purpose (settings' skip list)
};

const MAX_DETAIL_ROWS = 100;
const BAR_HEIGHT_PX = 24;

const STYLE = `
:host { all: initial; display: block; position: relative; height: ${BAR_HEIGHT_PX}px; contain: layout style;
  font: 12px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #202124; z-index: 2; }
.bar { display: flex; align-items: center; gap: 6px; height: ${BAR_HEIGHT_PX}px; box-sizing: border-box;
  padding: 0 8px; overflow: hidden; white-space: nowrap; background: #f1f3f4; border-radius: 4px; }
.status { flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
.glyph { display: inline-block; width: 1.2em; text-align: center; font-weight: bold; }
.name { color: #5f6368; margin-right: 4px; }
.level { font-weight: 600; margin-right: 4px; }
button { all: unset; cursor: pointer; padding: 0 6px; border-radius: 3px; color: #1a0dab; text-decoration: underline; }
button:focus-visible { outline: 2px solid #1a73e8; outline-offset: 1px; }
.panel { position: absolute; left: 0; right: 0; top: ${BAR_HEIGHT_PX}px; max-height: 240px; overflow: auto;
  background: #fff; border: 1px solid #dadce0; border-radius: 4px; box-shadow: 0 2px 6px rgba(0,0,0,.2);
  padding: 6px 8px; white-space: normal; z-index: 10; }
.panel[hidden] { display: none; }
ul { list-style: none; margin: 0; padding: 0; }
li { padding: 3px 0; border-bottom: 1px solid #f1f3f4; }
.address { font-weight: 600; word-break: break-all; }
.summary { color: #3c4043; }
.caveat { color: #5f6368; margin: 6px 0 0; }
:host([data-level="protected"]) .bar, :host([data-level="internal"]) .bar, :host([data-level="required"]) .bar { background: #e6f4ea; color: #0d652d; }
:host([data-level="encrypted"]) .bar { background: #e8f0fe; color: #174ea6; }
:host([data-level="unverified"]) .bar { background: #fef7e0; color: #7a4f01; }
:host([data-level="misconfigured"]) .bar, :host([data-level="undeliverable"]) .bar { background: #fce8e6; color: #a50e0e; }
`;

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function levelLabel(level: DisplayLevel): string {
  return t(`content_level_${level}`);
}

/** The count sentence: "2 of 5 recipients not protected", "all 3 recipients", … */
export function countText(v: BgComposeVerdicts['summary']): string {
  let text: string;
  if (v.notProtected > 0) {
    // One recipient: the level before the count already says it ("Misconfigured: 1 recipient").
    text = v.total === 1 ? t('content_count_one') : t('content_count_not_protected', [String(v.notProtected), String(v.total)]);
  } else {
    text = v.total === 1 ? t('content_count_one') : t('content_count_all', [String(v.total)]);
  }
  if (v.checking > 0 && v.level !== 'checking') text += ` ${t('content_count_still_checking', [String(v.checking)])}`;
  return text;
}

export class Badge {
  readonly host: HTMLElement;
  /** The closed shadow root; kept here (not reachable from the page) for rendering and tests. */
  readonly shadow: ShadowRoot;
  private readonly doc: Document;
  private readonly glyph: HTMLElement;
  private readonly level: HTMLElement;
  private readonly count: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly list: HTMLUListElement;
  private verdicts: BgComposeVerdicts | null = null;

  constructor(doc: Document) {
    this.doc = doc;
    this.host = el(doc, 'div');
    this.host.setAttribute(OWN_ATTR, 'badge');
    this.shadow = this.host.attachShadow({ mode: 'closed' });
    const style = el(doc, 'style');
    style.textContent = STYLE;
    const bar = el(doc, 'div', 'bar');
    const status = el(doc, 'div', 'status');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    this.glyph = el(doc, 'span', 'glyph');
    this.glyph.setAttribute('aria-hidden', 'true');
    this.level = el(doc, 'span', 'level');
    this.count = el(doc, 'span', 'count');
    status.append(this.glyph, el(doc, 'span', 'name', t('content_badge_name')), this.level, this.count);
    this.toggle = el(doc, 'button', 'toggle', t('content_details_show'));
    this.toggle.type = 'button';
    this.toggle.setAttribute('aria-expanded', 'false');
    this.toggle.setAttribute('aria-controls', 'intransit-details');
    this.toggle.addEventListener('click', (event) => {
      event.preventDefault();
      this.setExpanded(this.panel.hidden);
    });
    bar.append(status, this.toggle);
    this.panel = el(doc, 'div', 'panel');
    this.panel.id = 'intransit-details';
    this.panel.hidden = true;
    this.list = el(doc, 'ul');
    this.panel.append(this.list, el(doc, 'p', 'caveat', t('content_details_caveat')));
    this.shadow.append(style, bar, this.panel);
    // Gmail handles keys at compose level (InboxSDK blockAndReemitKeyboardEvents): keep ours in.
    for (const type of ['keydown', 'keyup', 'keypress']) {
      this.host.addEventListener(type, (event) => {
        if ((event as KeyboardEvent).key === 'Escape' && !this.panel.hidden) this.setExpanded(false);
        event.stopPropagation();
      });
    }
    this.showChecking();
  }

  /** Inserts (or re-inserts, if the page dropped it) the host at the anchor. */
  mount(anchor: BadgeAnchor): void {
    // Already in place (an anchor computed "after X" names the host itself once mounted).
    if (anchor.before === this.host) return;
    if (this.host.parentNode === anchor.parent && this.host.nextSibling === anchor.before) return;
    anchor.parent.insertBefore(this.host, anchor.before);
  }

  get mounted(): boolean {
    return this.host.isConnected;
  }

  showChecking(): void {
    this.setBar('checking', levelLabel('checking'), '');
  }

  showEmpty(): void {
    this.verdicts = null;
    this.setBar(null, '', t('content_badge_empty'));
    this.renderList();
  }

  showNoFields(): void {
    this.verdicts = null;
    this.setBar('unknown', `${levelLabel('unknown')}:`, t('content_badge_no_fields'));
    this.renderList();
  }

  showVerdicts(v: BgComposeVerdicts): void {
    this.verdicts = v;
    if (v.summary.level === null || v.summary.total === 0) this.setBar(null, '', t('content_badge_empty'));
    else if (v.summary.level === 'checking') this.setBar('checking', levelLabel('checking'), '');
    else this.setBar(v.summary.level, `${levelLabel(v.summary.level)}:`, countText(v.summary));
    if (!this.panel.hidden) this.renderList();
  }

  destroy(): void {
    this.host.remove();
  }

  private setBar(level: DisplayLevel | null, label: string, count: string): void {
    if (level === null) this.host.removeAttribute('data-level');
    else this.host.setAttribute('data-level', level);
    this.glyph.textContent = level === null ? '' : GLYPH[level];
    // Only touch text that changed, so screen readers announce real changes only.
    if (this.level.textContent !== label) this.level.textContent = label;
    if (this.count.textContent !== count) this.count.textContent = count;
  }

  private setExpanded(expanded: boolean): void {
    if (expanded) this.renderList();
    this.panel.hidden = !expanded;
    this.toggle.setAttribute('aria-expanded', String(expanded));
    this.toggle.textContent = t(expanded ? 'content_details_hide' : 'content_details_show');
  }

  private renderList(): void {
    const doc = this.doc;
    const rows: HTMLElement[] = [];
    const verdicts = this.verdicts?.recipients ?? [];
    for (const r of verdicts.slice(0, MAX_DETAIL_ROWS)) {
      const li = el(doc, 'li');
      const glyph = el(doc, 'span', 'glyph', GLYPH[r.level]);
      glyph.setAttribute('aria-hidden', 'true');
      // A recipient shown by name only has no address: its name stands in (the summary says why).
      li.append(glyph, el(doc, 'span', 'address', r.address ?? r.label ?? ''), doc.createTextNode(' \u2014 '),
        el(doc, 'span', 'level', levelLabel(r.level)), el(doc, 'div', 'summary', r.summary));
      rows.push(li);
    }
    if (verdicts.length > MAX_DETAIL_ROWS) rows.push(el(doc, 'li', 'more', t('content_details_more', [String(verdicts.length - MAX_DETAIL_ROWS)])));
    if (rows.length === 0) rows.push(el(doc, 'li', 'none', t('content_details_empty')));
    this.list.replaceChildren(...rows);
  }
}
