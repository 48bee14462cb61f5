// One compose window of the tab: labelled by its first recipient, its headline (the same words
// as the inline badge and the toolbar), what to do in one sentence, its recipients worst first,
// and "check again".
import type { Assessment } from '../../core/index.ts';
import type { ComposeView } from '../../shared/messages.ts';
import { composeHeadline, isProblem } from '../../shared/headline.ts';
import { t, tPlural } from '../../shared/i18n.ts';
import { levelAdvice } from '../../shared/level-display.ts';
import { byRank } from '../../shared/level-table.ts';
import { LevelIcon } from '../../ui/LevelLabel.tsx';
import { cap } from '../format.ts';
import { PolicyNotice } from './PolicyNotice.tsx';
import { RecipientItem } from './RecipientItem.tsx';

/** "To ann@example.com", "To ann@example.com and 2 others", or "New email" (no recipients yet). */
export function composeLabel(compose: ComposeView): string {
  if (compose.summary.tooMany) return t('popup_compose_many');
  const [first] = compose.recipients;
  if (first === undefined) return t('popup_compose_new');
  const others = compose.recipients.length - 1;
  // A recipient shown by name only is labelled by that name.
  const address = cap(first.address ?? first.label ?? '', 80);
  return others === 0 ? t('popup_compose_to', [address]) : tPlural('popup_compose_to_more', others, [address]);
}

export function ComposeSection({ compose, index, count, assessments, helpUrl, orgName, onRecheck, onAllowPolicyChecks }: {
  compose: ComposeView;
  index: number;
  count: number;
  assessments: Record<string, Assessment>;
  helpUrl: string | null;
  orgName: string | null;
  onRecheck: (domains: string[]) => void;
  onAllowPolicyChecks: () => void;
}) {
  const headingId = `compose-${index}`;
  const { summary } = compose;
  const headline = composeHeadline(summary);
  const domains = [...new Set(compose.recipients.map((r) => r.domain).filter((d) => d !== ''))];
  const level = headline.level;
  // What to do: for a compose that needs attention, or is only likely encrypted.
  const advise = level !== null && level !== 'checking' && (isProblem(summary) || level === 'encrypted');
  return (
    <section class="compose" aria-labelledby={headingId} data-active={compose.active ? 'true' : undefined}>
      <h2 id={headingId}>
        {composeLabel(compose)}
        {compose.active && count > 1 && <span class="tag">{t('popup_compose_writing')}</span>}
      </h2>
      <p class="tone headline" data-tone={headline.tone} aria-live="polite">
        {level !== null && <LevelIcon level={level} />}
        <span>{headline.text}</span>
      </p>
      {advise && (
        <p class="advice">
          {levelAdvice(level)}
          {isProblem(summary) && helpUrl !== null && (
            <> <a href={helpUrl} target="_blank" rel="noopener noreferrer">{orgName !== null ? t('org_help_link_named', [orgName]) : t('org_help_link')}</a></>
          )}
        </p>
      )}
      {summary.policyNotChecked && <PolicyNotice onAllow={onAllowPolicyChecks} />}
      {compose.recipients.length > 0 && (
        <ul class="plain recipients">
          {byRank(compose.recipients, (r) => r.level).map((r, i) => (
            // A recipient shown by name only has no address (and no domain to look up).
            <RecipientItem key={r.address ?? `#${i}:${r.label ?? ''}`} label={r.address ?? r.label ?? ''} level={r.level} summary={r.summary} assessment={r.domain === '' ? undefined : assessments[r.domain]} />
          ))}
        </ul>
      )}
      {domains.length > 0 && (
        <button type="button" onClick={() => onRecheck(domains)}>{t('popup_check_again')}</button>
      )}
    </section>
  );
}
