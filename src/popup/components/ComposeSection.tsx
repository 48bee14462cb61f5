// One compose window of the tab: its worst level, its recipients, "check again".
import type { Assessment } from '../../core/index.ts';
import type { ComposeView } from '../../shared/messages.ts';
import { t } from '../../shared/i18n.ts';
import { levelName } from '../../shared/level-display.ts';
import { RecipientItem } from './RecipientItem.tsx';

export function ComposeSection({ compose, index, count, assessments, onRecheck }: {
  compose: ComposeView;
  index: number;
  count: number;
  assessments: Record<string, Assessment>;
  onRecheck: (domains: string[]) => void;
}) {
  const headingId = `compose-${index}`;
  const { summary } = compose;
  const title = count > 1
    ? t(compose.active ? 'popup_compose_heading_active' : 'popup_compose_heading', [String(index + 1)])
    : t('popup_compose_heading_single');
  const domains = [...new Set(compose.recipients.map((r) => r.domain).filter((d) => d !== ''))];
  return (
    <section class="compose" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {summary.total === 0 ? (
        <p>{t('popup_no_recipients')}</p>
      ) : (
        <p class="compose-summary" aria-live="polite">
          {summary.total === 1
            ? t(summary.notProtected === 0 ? 'popup_summary_one_ok' : 'popup_summary_one_not_protected')
            : summary.notProtected === 0
              ? t('popup_summary_all_ok', [String(summary.total)])
              : t('popup_summary_not_protected', [String(summary.notProtected), String(summary.total)])}
          {summary.level !== null && <> {t('popup_summary_worst', [levelName(summary.level)])}</>}
        </p>
      )}
      {compose.recipients.length > 0 && (
        <ul class="plain recipients">
          {compose.recipients.map((r, i) => (
            // A recipient shown by name only has no address (and no domain to look up).
            <RecipientItem key={r.address ?? `#${i}`} label={r.address ?? r.label ?? ''} level={r.level} summary={r.summary} assessment={r.domain === '' ? undefined : assessments[r.domain]} />
          ))}
        </ul>
      )}
      {domains.length > 0 && (
        <button type="button" onClick={() => onRecheck(domains)}>{t('popup_check_again')}</button>
      )}
    </section>
  );
}
