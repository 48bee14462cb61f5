// A tiny JSON-lines logger (one object a line on stdout; journald, Docker and Kubernetes collect
// it as is). What it may carry is decided by its callers and written in docs/lookup-service.md
// "Logs": no domains unless --log-domains, never a client or target address, never a token.
export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export function createLogger(write: (line: string) => void, now: () => Date = () => new Date()): Logger {
  const log = (level: LogLevel, event: string, fields: Record<string, unknown> = {}): void => {
    try {
      write(JSON.stringify({ time: now().toISOString(), level, event, ...fields }));
    } catch {
      // A field that cannot be serialised must not take the request down with it.
      write(JSON.stringify({ time: now().toISOString(), level, event, note: 'fields not serialisable' }));
    }
  };
  return {
    info: (event, fields) => log('info', event, fields),
    warn: (event, fields) => log('warn', event, fields),
    error: (event, fields) => log('error', event, fields),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
