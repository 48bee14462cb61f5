// The inline badge shown in each compose (docs/architecture.md "Content script"). It lives in a
// closed shadow root (no CSS bleed either way; the page cannot read it), and every piece of its
// state — level, tone, theme — is kept inside that root, never on the host element the page can
// see and restyle. It is built with createElement/textContent only (Gmail enforces Trusted
// Types), has a fixed height so nothing below it moves when its text changes, never takes focus
// by itself, and keeps its key events away from the page.
//
// What it says comes from the level table (glyph, tone, words) and the compose headline
// (src/shared/headline.ts), the same words the toolbar button and the popup use.
import type { BgComposeVerdicts, DisplayLevel } from '../shared/messages.ts';
import { composeHeadline, isProblem } from '../shared/headline.ts';
import { t } from '../shared/i18n.ts';
import { levelAdvice, levelGlyph, levelMeaning, levelName } from '../shared/level-display.ts';
import { byRank, type Tone } from '../shared/level-table.ts';
import { MAX_RECIPIENTS } from '../shared/limits.ts';
import type { BadgeAnchor } from './adapter.ts';
import { createOrgHelp } from './org-help.ts';
import { OWN_ATTR } from './own.ts';

const MAX_DETAIL_ROWS = 100;
const BAR_HEIGHT_PX = 24;
/** The details panel's height when there is room; less when the viewport has less. */
const PANEL_MAX_PX = 260;
const PANEL_MIN_PX = 96;

// Tones: good (green), calm (neutral: likely encrypted), caution (amber), danger (red), neutral
// (grey). Each in a light and a dark variant, chosen from the page's own background. One rule per
// line, without spaces (the content script's size budget). The caret is an inline-block, so the
// label's underline never runs under it.
const STYLE = `
:host{all:initial;display:block;position:relative;height:${BAR_HEIGHT_PX}px;contain:layout style;z-index:2}
.badge{--bg:#f1f3f4;--fg:#3c4043;--muted:#5f6368;--link:#0b57d0;--panel-bg:#fff;--panel-fg:#202124;--rule:#e3e5e8;--focus:#0b57d0;position:relative;font:12px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg)}
[data-theme=dark]{--bg:#303134;--fg:#e8eaed;--muted:#bdc1c6;--link:#8ab4f8;--panel-bg:#202124;--panel-fg:#e8eaed;--rule:#3c4043;--focus:#8ab4f8}
[data-tone=good]{--bg:#e6f4ea;--fg:#0d652d}
[data-tone=calm]{--bg:#e4ecf5;--fg:#2f3f52}
[data-tone=caution]{--bg:#fef7e0;--fg:#7a4f01}
[data-tone=danger]{--bg:#fce8e6;--fg:#a50e0e}
[data-theme=dark][data-tone=good]{--bg:#0f3d1f;--fg:#a8dab5}
[data-theme=dark][data-tone=calm]{--bg:#2a3441;--fg:#c9d6e3}
[data-theme=dark][data-tone=caution]{--bg:#43300a;--fg:#fdd663}
[data-theme=dark][data-tone=danger]{--bg:#4a1714;--fg:#f6aea9}
.bar{display:flex;align-items:center;gap:6px;height:${BAR_HEIGHT_PX}px;box-sizing:border-box;padding:0 4px 0 8px;overflow:hidden;white-space:nowrap;background:var(--bg);color:var(--fg);border-radius:4px}
.status{flex:1 1 auto;min-width:0;overflow:hidden;text-overflow:ellipsis}
.glyph{display:inline-block;min-width:1.2em;text-align:center;font-weight:bold}
.name{opacity:.8;margin-right:4px}
.headline{font-weight:600}
button{all:unset;cursor:pointer;flex:none;padding:0 6px;border-radius:3px;color:var(--fg)}
button:focus-visible{outline:2px solid var(--focus);outline-offset:1px}
button .label{text-decoration:underline;text-underline-offset:2px}
.caret{display:inline-block;width:1em;text-align:center;text-decoration:none}
button[aria-expanded="true"] .caret{transform:rotate(90deg)}
@media (prefers-reduced-motion:no-preference){.caret{transition:transform .1s}}
[hidden]{display:none}
.panel{position:absolute;left:0;right:0;top:${BAR_HEIGHT_PX + 2}px;max-height:${PANEL_MAX_PX}px;overflow:auto;box-sizing:border-box;background:var(--panel-bg);color:var(--panel-fg);border:1px solid var(--rule);border-radius:4px;box-shadow:0 2px 8px rgba(0,0,0,.25);padding:6px 8px;white-space:normal;z-index:10}
[data-side=above]{top:auto;bottom:${BAR_HEIGHT_PX + 2}px}
.advice,.help{margin:0 0 6px}.advice{font-weight:600}a{color:var(--link)}
ul{list-style:none;margin:0;padding:0}
li{padding:3px 0;border-bottom:1px solid var(--rule)}
li:last-child{border-bottom:none}
.row-level{font-weight:600}
li>.glyph{margin-right:4px}
.address{font-weight:600;word-break:break-all}
.meaning{color:var(--panel-fg);opacity:.85}
.caveat{color:var(--muted);margin:6px 0 0}
`;

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Relative luminance of a CSS rgb()/rgba() colour; null for transparent or unreadable. */
function luminance(colour: string): number | null {
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(colour.trim());
  if (!m) return null;
  const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number.parseFloat(m[4]) / 100 : Number(m[4]);
  if (alpha < 0.5) return null;
  const [r, g, b] = [m[1], m[2], m[3]].map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Whether the page around `node` is dark: the first opaque background up the tree decides. */
export function isDarkAround(node: Element | null): boolean {
  const view = node?.ownerDocument.defaultView;
  for (let el = node; el && view; el = el.parentElement) {
    const lum = luminance(view.getComputedStyle(el).backgroundColor);
    if (lum !== null) return lum < 0.3;
  }
  return false;
}

/** The inline badge of one compose (created by createBadge). */
export interface Badge {
  readonly host: HTMLElement;
  /** The closed shadow root; kept here (not reachable from the page) for rendering and tests. */
  readonly shadow: ShadowRoot;
  /** Called when the person clicks "policy not checked — allow". */
  onAllowPolicyChecks: (() => void) | null;
  /** Inserts (or re-inserts, if the page dropped it) the host at the anchor. */
  mount(anchor: BadgeAnchor): void;
  readonly mounted: boolean;
  /** The level the bar shows (inside the closed root; tests and the e2e read it through the root). */
  readonly level: string | undefined;
  showChecking(): void;
  showEmpty(): void;
  showNoFields(): void;
  /** More recipients than InTransit checks: said at once, nothing is looked up. */
  showTooMany(): void;
  /** The background refused this compose's list (a bug; logged): never "checking" forever. */
  showRejected(): void;
  showVerdicts(v: BgComposeVerdicts): void;
  destroy(): void;
}

// Closures rather than a class: names of locals are minified, properties are not (the content
// script's size budget).
export function createBadge(doc: Document): Badge {
  const host = el(doc, 'div');
  host.setAttribute(OWN_ATTR, 'badge');
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = el(doc, 'style');
  style.textContent = STYLE;
  /** Holds the state (data-level, data-tone, data-theme) inside the closed root. */
  const root = el(doc, 'div', 'badge');
  const bar = el(doc, 'div', 'bar');
  const status = el(doc, 'div', 'status');
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const glyph = el(doc, 'span', 'glyph');
  glyph.setAttribute('aria-hidden', 'true');
  const headline = el(doc, 'span', 'headline');
  status.append(glyph, el(doc, 'span', 'name', t('content_badge_name')), headline);

  const allow = el(doc, 'button', 'allow');
  allow.type = 'button';
  allow.hidden = true;
  allow.append(el(doc, 'span', 'label', t('headline_policy_allow')));
  allow.addEventListener('click', (event) => {
    event.preventDefault();
    badge.onAllowPolicyChecks?.();
  });

  const toggle = el(doc, 'button', 'toggle');
  toggle.type = 'button';
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', 'intransit-details');
  const caret = el(doc, 'span', 'caret', '\u25B8'); // ▸, turned down when open
  caret.setAttribute('aria-hidden', 'true');
  toggle.append(caret, el(doc, 'span', 'label', t('content_details_show')));
  toggle.addEventListener('click', (event) => {
    event.preventDefault();
    setExpanded(panel.hidden);
  });
  bar.append(status, allow, toggle);

  const panel = el(doc, 'div', 'panel');
  panel.id = 'intransit-details';
  panel.hidden = true;
  const advice = el(doc, 'p', 'advice');
  const help = createOrgHelp(doc);
  help.row.className = 'help';
  const list = el(doc, 'ul');
  panel.append(advice, help.row, list, el(doc, 'p', 'caveat', t('content_details_caveat')));
  root.append(bar, panel);
  shadow.append(style, root);
  // Gmail handles keys at compose level (InboxSDK blockAndReemitKeyboardEvents): keep ours in.
  for (const type of ['keydown', 'keyup', 'keypress']) {
    host.addEventListener(type, (event) => {
      if ((event as KeyboardEvent).key === 'Escape' && !panel.hidden) setExpanded(false);
      event.stopPropagation();
    });
  }
  let verdicts: BgComposeVerdicts | null = null;

  function setBar(level: DisplayLevel | null, tone: Tone, text: string, allowed = false): void {
    if (level === null) delete root.dataset.level;
    else root.dataset.level = level;
    root.dataset.tone = tone;
    const g = level === null ? '' : levelGlyph(level);
    if (glyph.textContent !== g) glyph.textContent = g;
    // Only touch text that changed, so screen readers announce real changes only.
    if (headline.textContent !== text) headline.textContent = text;
    allow.hidden = !allowed;
  }

  /** A local state (no verdicts): checking, empty, no fields, too many, rejected. */
  function local(level: DisplayLevel | null, tone: Tone, text: string): void {
    verdicts = null;
    setBar(level, tone, text);
    renderDetails();
  }

  function setExpanded(expanded: boolean): void {
    if (expanded) {
      renderDetails();
      placePanel();
    }
    panel.hidden = !expanded;
    toggle.setAttribute('aria-expanded', String(expanded));
  }

  /**
   * Opens the panel where there is room: below the bar, or above it when the compose is docked
   * at the bottom of the window (Gmail's popup compose) and the space below is short.
   */
  function placePanel(): void {
    const view = doc.defaultView;
    if (!view) return;
    const rect = host.getBoundingClientRect();
    const below = view.innerHeight - rect.bottom - 8;
    const above = rect.top - 8;
    const side = below >= PANEL_MAX_PX || below >= above ? 'below' : 'above';
    panel.dataset.side = side;
    const room = side === 'below' ? below : above;
    panel.style.maxHeight = `${Math.max(PANEL_MIN_PX, Math.min(PANEL_MAX_PX, Math.floor(room)))}px`;
  }

  function renderDetails(): void {
    const v = verdicts;
    // What to do, in one sentence, for a compose that needs attention or is only likely encrypted.
    const level = v?.summary.level ?? null;
    const advise = v !== null && level !== null && level !== 'checking' && (isProblem(v.summary) || level === 'encrypted');
    advice.textContent = advise && level !== null ? levelAdvice(level) : '';
    advice.hidden = !advise;
    help.show(v?.sendCheck ?? null, advise);

    const rows: HTMLElement[] = [];
    const sorted = byRank(v?.recipients ?? [], (r) => r.level);
    for (const r of sorted.slice(0, MAX_DETAIL_ROWS)) {
      const li = el(doc, 'li');
      const g = el(doc, 'span', 'glyph', levelGlyph(r.level));
      g.setAttribute('aria-hidden', 'true');
      // A recipient shown by name only has no address: its name stands in (the summary says why).
      li.append(g, el(doc, 'span', 'address', r.address ?? r.label ?? ''), doc.createTextNode(' \u2014 '),
        el(doc, 'span', 'row-level', levelName(r.level)), el(doc, 'div', 'meaning', r.summary || levelMeaning(r.level)));
      rows.push(li);
    }
    if (sorted.length > MAX_DETAIL_ROWS) rows.push(el(doc, 'li', 'more', t('content_details_more', [String(sorted.length - MAX_DETAIL_ROWS)])));
    if (rows.length === 0) rows.push(el(doc, 'li', 'none', t('content_details_empty')));
    list.replaceChildren(...rows);
  }

  const badge: Badge = {
    host,
    shadow,
    onAllowPolicyChecks: null,
    mount(anchor) {
      // Already in place (an anchor computed "after X" names the host itself once mounted).
      if (anchor.before === host) return;
      if (host.parentNode === anchor.parent && host.nextSibling === anchor.before) return;
      anchor.parent.insertBefore(host, anchor.before);
      root.dataset.theme = isDarkAround(anchor.parent) ? 'dark' : 'light';
    },
    get mounted() {
      return host.isConnected;
    },
    get level() {
      return root.dataset.level;
    },
    showChecking: () => local('checking', 'neutral', t('level_checking_name')),
    showEmpty: () => local(null, 'neutral', t('headline_empty')),
    showNoFields: () => local('unknown', 'caution', t('headline_no_fields')),
    showTooMany: () => local('unknown', 'caution', t('headline_too_many', [String(MAX_RECIPIENTS)])),
    showRejected: () => local('unknown', 'caution', t('headline_rejected')),
    showVerdicts(v) {
      verdicts = v;
      const h = composeHeadline(v.summary);
      setBar(h.level, h.tone, h.text, v.summary.policyNotChecked);
      if (!panel.hidden) renderDetails();
    },
    destroy() {
      host.remove();
    },
  };
  badge.showChecking();
  return badge;
}
