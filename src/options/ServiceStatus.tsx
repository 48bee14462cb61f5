// The connection to the organisation's lookup service on the options page (from GET /v1/info,
// asked by the background): connected — the service's name, API and engine version, with a
// warning when its engine and this extension differ in major.minor (they may judge differently,
// docs/lookup-service.md) — or the failure in plain words.
import { t } from '../shared/i18n.ts';
import type { LookupServiceStatus } from '../shared/messages.ts';

export type ServiceCheck =
  | { kind: 'idle' }
  | { kind: 'testing' }
  | { kind: 'error' }
  | { kind: 'done'; status: LookupServiceStatus };

const host = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

export function ServiceStatus({ check }: { check: ServiceCheck }) {
  return (
    <div id="lookupService-status" role="status" aria-live="polite" data-state={check.kind === 'done' ? check.status.state : check.kind}>
      {check.kind === 'testing' && <p>{t('options_service_testing')}</p>}
      {check.kind === 'error' && <p class="notice">{t('options_service_no_background')}</p>}
      {check.kind === 'done' && <Status status={check.status} />}
    </div>
  );
}

function Status({ status }: { status: LookupServiceStatus }) {
  if (status.state === 'off') return <p>{t('options_service_off')}</p>;
  if (status.state === 'failed') {
    return <p class="notice">{t('options_service_failed', [host(status.url)])} {status.message}</p>;
  }
  const name = status.name !== null ? t('options_service_connected_named', [status.name, host(status.url)]) : t('options_service_connected', [host(status.url)]);
  return (
    <>
      <p class="ok">✓ {name}</p>
      <p class="muted">{t('options_service_versions', [status.api, status.engine, status.extension])}</p>
      {status.skew && <p class="notice" data-testid="version-skew">{t('options_service_skew', [status.engine, status.extension])}</p>}
    </>
  );
}
