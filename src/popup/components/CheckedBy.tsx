// "Checked by Example Org's lookup service": said under the verdicts while the organisation's
// lookup service checks them (setting `lookupService`, docs/lookup-service.md), so the person
// knows whose answer they read. The name is the service's own, else the organisation's, else
// the service's host; shown as text.
import { t } from '../../shared/i18n.ts';
import type { CheckedBy } from '../../shared/messages.ts';
import { cap } from '../format.ts';

export function CheckedByNote({ by }: { by: CheckedBy }) {
  return (
    <p class="muted checked-by" data-testid="checked-by">
      {by.name !== null ? t('popup_checked_by_named', [cap(by.name, 100)]) : t('popup_checked_by_host', [cap(by.host, 100)])}
    </p>
  );
}
