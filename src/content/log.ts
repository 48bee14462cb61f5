// The content script's log. Its entries would never be read back (the options page's
// diagnostics export collects the background's log and its own page's), so it only prints to the
// page's console — without the ring buffer and scrubbing of the shared log (src/shared/log.ts),
// which would spend the content script's size budget (DESIGN.md: 12 KB gzip) on nothing.
// Callers pass fixed sentences: nothing from the page or the network.
function print(code: string, message: string): void {
  const g = globalThis as { console?: { warn(...args: unknown[]): void }; chrome?: { runtime?: { id?: string } } };
  // runtime.id is gone (or throws) once the extension context is; unit tests have no runtime.
  try {
    if (g.chrome?.runtime?.id) g.console?.warn(`InTransit [${code}] ${message}`);
  } catch {
    // nothing to print to
  }
}

export const log = { error: print, warning: print };
