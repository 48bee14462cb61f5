// Shown while the optional permission is missing: MTA-STS is judged from DNS alone.
import { t } from '../../shared/i18n.ts';

export function PolicyNotice({ onOpenWelcome }: { onOpenWelcome: () => void }) {
  return (
    <div class="notice" role="note">
      <p>{t('popup_policy_not_checked')}</p>
      <button type="button" onClick={onOpenWelcome}>{t('popup_policy_allow')}</button>
    </div>
  );
}
