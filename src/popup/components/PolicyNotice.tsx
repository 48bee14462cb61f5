// Shown in a compose whose verdict reading the recipients' MTA-STS policy files could change,
// while the optional permission is missing: said once, where it matters.
import { t } from '../../shared/i18n.ts';

export function PolicyNotice({ onAllow }: { onAllow: () => void }) {
  return (
    <div class="notice" role="note">
      <p>{t('popup_policy_not_checked')}</p>
      <button type="button" onClick={onAllow}>{t('popup_policy_allow')}</button>
    </div>
  );
}
