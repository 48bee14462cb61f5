// The send-time check's dialog (docs/decisions.md "Send-time check"): modal to the compose it
// holds — a backdrop over the compose, the dialog centred on it — in a closed shadow root on the
// document element, outside every webmail container, so the page's delegated listeners never see
// it. role=alertdialog, aria-modal, labelled by its title and described by its text; focus starts
// on "Back to editing" (an accidental Enter never sends) and stays inside (the guard hands it the
// keys: Tab cycles, Escape goes back). Built with createElement/textContent only (Gmail and Outlook
// enforce Trusted Types); light or dark after the page around the compose. Closures rather than a
// class: the content script's size budget (names of locals are minified, properties are not).
import type { SendCheckConfig } from '../../shared/messages.ts';
import { t, tPlural } from '../../shared/i18n.ts';
import { levelAdvice, levelGlyph, levelName, levelTone } from '../../shared/level-display.ts';
import { MAX_RECIPIENTS } from '../../shared/limits.ts';
import { isDarkAround } from '../badge.ts';
import { createOrgHelp } from '../org-help.ts';
import { OWN_ATTR } from '../own.ts';
import type { SendDecision } from './decide.ts';

export type Held = Extract<SendDecision, { hold: true }>;

export interface SendDialog {
  /** The element in the page (its shadow root is closed). */
  readonly host: HTMLElement;
  /** The closed shadow root (not reachable from the page; for tests). */
  readonly shadow: ShadowRoot;
  /** Shows a held send: what holds it, and the buttons its mode allows. */
  render(held: Held, config: SendCheckConfig): void;
  focus(): void;
  /** Keys in the dialog (the page never sees them): Escape goes back, Tab stays inside. */
  key(event: KeyboardEvent): void;
  close(): void;
}

/** The dialog's smallest frame: a compose smaller than this (a docked reply) gets it around itself. */
const MIN_W = 380;
const MIN_H = 340;

// System colours follow `color-scheme`, so one set of rules serves light and dark pages.
const STYLE = `.bd{position:fixed;z-index:2147483647;display:flex;align-items:center;justify-content:center;background:#2021248c;font:13px/1.45 system-ui,sans-serif}
.d{color-scheme:light;--ac:#0b57d0;--on:#fff;--caution:#a04a00;--danger:#b3261e;box-sizing:border-box;width:min(460px,calc(100% - 16px));max-height:calc(100% - 16px);overflow:auto;padding:16px 18px;background:Canvas;color:CanvasText;border-radius:8px;box-shadow:0 4px 24px #0006}
.d[data-theme=dark]{color-scheme:dark;--ac:#a8c7fa;--on:#062e6f;--caution:#fdd663;--danger:#f2b8b5}
h2{margin:0 0 8px;font-size:16px}p{margin:0 0 8px}.st,.a{opacity:.75}ul{list-style:none;margin:0 0 8px;padding:0}li{padding:6px 0;border-top:1px solid GrayText}
.g{display:inline-block;min-width:1.5em;font-weight:700}[data-tone=caution]{color:var(--caution)}[data-tone=danger]{color:var(--danger)}
.w{font-weight:600;word-break:break-all}.a{margin-left:1.5em}a{color:var(--ac)}.b{display:flex;flex-wrap:wrap;justify-content:flex-end;gap:8px;margin-top:14px}
button{font:inherit;padding:6px 14px;border-radius:4px;border:1px solid GrayText;cursor:pointer}.p{background:var(--ac);border-color:var(--ac);color:var(--on);font-weight:600}
:focus-visible{outline:2px solid var(--ac);outline-offset:2px}[hidden]{display:none}`;

export function openSendDialog(doc: Document, compose: Element, actions: { back(): void; send(): void }): SendDialog {
  const view = doc.defaultView;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, parent: Node, cls = '', text = ''): HTMLElementTagNameMap[K] => {
    const node = doc.createElement(tag);
    node.className = cls;
    node.textContent = text;
    parent.appendChild(node);
    return node;
  };
  const host = doc.createElement('div');
  host.setAttribute(OWN_ATTR, 'send-check');
  const shadow = host.attachShadow({ mode: 'closed' });
  el('style', shadow, '', STYLE);
  const backdrop = el('div', shadow, 'bd');
  const box = el('div', backdrop, 'd');
  box.dataset.theme = isDarkAround(compose) ? 'dark' : 'light';
  for (const [name, value] of [['role', 'alertdialog'], ['aria-modal', 'true'], ['aria-labelledby', 't'], ['aria-describedby', 'x']] as const) box.setAttribute(name, value);
  const title = el('h2', box);
  title.id = 't';
  const text = el('p', box);
  text.id = 'x';
  const status = el('p', box, 'st');
  status.setAttribute('role', 'status');
  const list = el('ul', box);
  const help = createOrgHelp(doc);
  box.append(help.row);
  const buttons = el('div', box, 'b');
  const backButton = el('button', buttons, '', t('send_check_back'));
  const sendButton = el('button', buttons, 'p');
  for (const [button, action] of [[backButton, actions.back], [sendButton, actions.send]] as const) {
    button.type = 'button';
    button.addEventListener('click', (event) => {
      event.preventDefault();
      action();
    });
  }

  const place = (): void => {
    if (!view) return;
    const r = compose.getBoundingClientRect();
    const w = Math.min(Math.max(r.width, MIN_W), view.innerWidth);
    const h = Math.min(Math.max(r.height, MIN_H), view.innerHeight);
    const at = (start: number, size: number, own: number, max: number): string => `${Math.max(0, Math.min(start - (own - size) / 2, max - own))}px`;
    Object.assign(backdrop.style, { left: at(r.left, r.width, w, view.innerWidth), top: at(r.top, r.height, h, view.innerHeight), width: `${w}px`, height: `${h}px` });
  };
  (doc.documentElement ?? doc).appendChild(host);
  place();
  view?.addEventListener('resize', place);
  view?.addEventListener('scroll', place, { capture: true, passive: true });

  const focus = (): void => backButton.focus();

  return {
    host,
    shadow,
    render(held, config) {
      const { problems, pending } = held;
      const org = config.orgName;
      const state = problems > 0 ? (config.mode === 'block' ? 'block' : 'confirm') : 'checking';
      box.dataset.state = state;
      title.textContent = t(`send_check_title_${state}`);
      text.textContent = state === 'block' && org !== null ? t('send_check_text_block_org', [org]) : t(`send_check_text_${state}`);
      // Announced: how many are still being checked, and once none are.
      const now = pending > 0 ? tPlural('send_check_pending', pending) : status.textContent ? t('send_check_checked') : '';
      if (status.textContent !== now) status.textContent = now;

      const rows: HTMLElement[] = [];
      const row = (level: Parameters<typeof levelGlyph>[0], who: string, advice: string, named = true): void => {
        const li = doc.createElement('li');
        const glyph = el('span', li, 'g', levelGlyph(level));
        glyph.dataset.tone = levelTone(level);
        glyph.setAttribute('aria-hidden', 'true');
        el('span', li, 'w', who);
        if (named) el('span', li, '', ` — ${levelName(level)}`);
        el('div', li, 'a', advice);
        rows.push(li);
      };
      // The badge's own words for a compose that could not be checked at all.
      if (held.unreadable) row('unknown', t(held.unreadable === 'too-many' ? 'headline_too_many' : 'headline_no_fields', [String(MAX_RECIPIENTS)]), levelAdvice('unknown'), false);
      for (const r of held.rows) row(r.level, r.shown, r.address === null ? t('send_check_no_address') : levelAdvice(r.level));
      list.replaceChildren(...rows);
      list.hidden = rows.length === 0;

      help.show(config);
      // Block: no way to send while a recipient is a problem or not yet known (the dialog is only open then).
      sendButton.hidden = config.mode === 'block';
      sendButton.textContent = t('send_check_send_anyway');
      if (!box.contains(shadow.activeElement)) focus();
    },
    focus,
    key(event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        actions.back();
      } else if (event.key === 'Tab') {
        event.preventDefault();
        const stops: HTMLElement[] = [...(help.row.hidden ? [] : [help.link]), backButton, ...(sendButton.hidden ? [] : [sendButton])];
        const i = stops.indexOf(shadow.activeElement as HTMLElement) + (event.shiftKey ? -1 : 1);
        stops[(i + stops.length) % stops.length]?.focus();
      }
    },
    close() {
      view?.removeEventListener('resize', place);
      view?.removeEventListener('scroll', place, { capture: true });
      host.remove();
    },
  };
}
