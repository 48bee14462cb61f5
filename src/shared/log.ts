// A small logger: the errors InTransit handles are kept in a ring buffer (never swallowed
// silently), and the recent ones go into the options page's diagnostics export. Each entry is a
// stable code plus a plain sentence. Entries never hold an address or a recipient's domain: what
// an error message carries from the outside (a URL, a host name, an address) is replaced by a
// placeholder before it is kept (docs/decisions.md "Presentation": what the log keeps).

export type LogLevel = 'error' | 'warning';

export interface LogEntry {
  /** Epoch milliseconds of the first occurrence in a row. */
  at: number;
  level: LogLevel;
  /** Stable and machine-readable, e.g. `storage.session-write-failed`. */
  code: string;
  /** One plain sentence, scrubbed (see `scrub`). */
  message: string;
  /** How many times in a row the same code and message happened. */
  count: number;
  /** Epoch milliseconds of the last occurrence. */
  last: number;
}

export interface Log {
  error(code: string, message: string, cause?: unknown): void;
  warning(code: string, message: string, cause?: unknown): void;
  /** Oldest first. */
  entries(): LogEntry[];
  /** Puts back entries kept elsewhere (e.g. storage.session after a worker restart), before the new ones. */
  restore(stored: unknown): void;
  /** Called after every new entry (to persist the log). Returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export const LOG_CAPACITY = 50;
const MAX_MESSAGE = 300;
const MAX_CODE = 60;

// Names of the extension APIs keep their dots ("storage.session quota"): they say where it failed.
const API_NAME = /^(?:storage|runtime|tabs|action|permissions|i18n|chrome|browser)\./i;

/**
 * Text with every URL, address and domain name replaced: `<url>`, `<address>`, `<domain>`. What
 * is left says what failed, not for whom.
 */
export function scrub(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/[^\s<>()[\]"',;:]+@(?:\[[^\]\s]*\]|[^\s<>()[\]"',;:]+)/g, '<address>')
    .replace(/\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]\b/gi, (name) => (API_NAME.test(name) ? name : '<domain>'));
}

/** An error as one scrubbed line: "TypeError: …", capped. */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = `${error.name}: ${error.message}`;
  else if (typeof error === 'string') text = error;
  else {
    try {
      text = JSON.stringify(error) ?? String(error);
    } catch {
      text = String(error);
    }
  }
  const line = scrub(text.split('\n')[0] ?? '');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function isEntry(value: unknown): value is LogEntry {
  const e = value as Partial<LogEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.at === 'number' && typeof e.last === 'number' && typeof e.count === 'number'
    && (e.level === 'error' || e.level === 'warning') && typeof e.code === 'string' && typeof e.message === 'string';
}

export interface LogOptions {
  capacity?: number;
  now?: () => number;
  /** Where entries are also printed (the extension's console); none by default (tests). */
  print?: (entry: LogEntry) => void;
}

export function createLog(options: LogOptions = {}): Log {
  const capacity = options.capacity ?? LOG_CAPACITY;
  const now = options.now ?? Date.now;
  let entries: LogEntry[] = [];
  const listeners = new Set<() => void>();

  function add(level: LogLevel, code: string, message: string, cause: unknown): void {
    const text = scrub(cause === undefined ? message : `${message} (${describeError(cause)})`).slice(0, MAX_MESSAGE);
    const t = now();
    const previous = entries[entries.length - 1];
    if (previous && previous.code === code && previous.message === text && previous.level === level) {
      previous.count++;
      previous.last = t;
    } else {
      entries.push({ at: t, level, code: code.slice(0, MAX_CODE), message: text, count: 1, last: t });
      if (entries.length > capacity) entries = entries.slice(entries.length - capacity);
    }
    const entry = entries[entries.length - 1];
    if (entry) options.print?.(entry);
    for (const l of listeners) l();
  }

  return {
    error: (code, message, cause) => add('error', code, message, cause),
    warning: (code, message, cause) => add('warning', code, message, cause),
    entries: () => entries.map((e) => ({ ...e })),
    restore(stored) {
      if (!Array.isArray(stored)) return;
      // Scrubbed again: stored entries are data from storage, not trusted to be clean.
      const old = stored.filter(isEntry).map((e) => ({ ...e, code: e.code.slice(0, MAX_CODE), message: scrub(e.message).slice(0, MAX_MESSAGE) }));
      entries = [...old, ...entries].slice(-capacity);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** This JavaScript realm's log (the background's, a page's, the content script's). */
export const log: Log = createLog({
  print: (entry) => {
    const g = globalThis as { console?: { warn(...args: unknown[]): void }; chrome?: { runtime?: { id?: string } } };
    // In the extension also the context's console (not in unit tests, which have no runtime).
    // runtime.id can throw once the extension context is gone.
    try {
      if (entry.count === 1 && g.chrome?.runtime?.id) g.console?.warn(`InTransit [${entry.code}] ${entry.message}`);
    } catch {
      // nothing to print to
    }
  },
});
