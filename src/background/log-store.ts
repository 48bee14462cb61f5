// Keeps the background's log (src/shared/log.ts) in storage.session, so the entries survive the
// worker being stopped and started again (memory only: gone when the browser closes), and the
// options page's diagnostics export can include them.
import type { Log } from '../shared/log.ts';
import type { KeyValueArea } from './storage-area.ts';

export const LOG_KEY = 'log.v1';

/** Restores the stored entries, then writes the log back after every change (coalesced). */
export function persistLog(log: Log, area: KeyValueArea): Promise<void> {
  let scheduled = false;
  let restored = false;
  const write = (): void => {
    if (scheduled || !restored) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      // A failed write of the log itself is not logged again (that would loop); the entries stay in memory.
      area.set({ [LOG_KEY]: log.entries() }).catch(() => undefined);
    });
  };
  log.onChange(write);
  return area.get(LOG_KEY).then(
    (stored) => {
      log.restore(stored[LOG_KEY]);
      restored = true;
      write();
    },
    () => {
      restored = true;
    },
  );
}
