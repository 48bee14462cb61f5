// The part of a storage area (storage.session / storage.local) the background uses. Both
// webextension-polyfill's areas and the in-memory fake in the tests satisfy it.
export interface KeyValueArea {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/** An in-memory area: the tests' fake, and the fallback where storage.session is missing. */
export function memoryArea(initial: Record<string, unknown> = {}): KeyValueArea & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>(Object.entries(structuredClone(initial)));
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
  return {
    data,
    async get(keys) {
      if (keys === null || keys === undefined) return pick([...data.keys()]);
      return pick(typeof keys === 'string' ? [keys] : keys);
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(keys) {
      for (const k of typeof keys === 'string' ? [keys] : keys) data.delete(k);
    },
  };
}
