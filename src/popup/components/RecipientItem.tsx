// One recipient (or one domain checked by hand): address, level as icon + word, one plain
// sentence — why this domain got its level when the check says so, else what the level means
// (never both: they would say the same twice) — and the evidence one click away behind a
// "Details" button named after the recipient.
import type { Assessment } from '../../core/index.ts';
import type { DisplayLevel } from '../../shared/messages.ts';
import { t } from '../../shared/i18n.ts';
import { Disclosure } from '../../ui/Disclosure.tsx';
import { LevelLabel } from '../../ui/LevelLabel.tsx';
import { cap } from '../format.ts';
import { Evidence } from './Evidence.tsx';

export function RecipientItem({ label, level, summary, assessment }: {
  label: string;
  level: DisplayLevel;
  summary: string;
  assessment: Assessment | undefined;
}) {
  const reason = assessment?.reasons[0];
  const shown = cap(label, 320);
  return (
    <li class="recipient" data-level={level}>
      <div class="recipient-head">
        <span class="address">{shown}</span>
        <LevelLabel level={level} />
      </div>
      {reason ? <p class="reason">{cap(reason.message, 500)}</p> : <p>{summary}</p>}
      {assessment && (
        <Disclosure label={t('popup_details')} name={t('popup_details_for', [shown])}>
          <Evidence assessment={assessment} />
        </Disclosure>
      )}
    </li>
  );
}
