// What the check cannot see, always one click away (DESIGN.md "Verdicts").
import { t } from '../../shared/i18n.ts';
import { Disclosure } from '../../ui/Disclosure.tsx';

export function Caveats({ policyFetchGranted }: { policyFetchGranted: boolean }) {
  return (
    <Disclosure label={t('popup_caveats_heading')}>
      <ul class="caveats">
        <li>{t('popup_caveat_published_policy')}</li>
        <li>{t('popup_caveat_relays')}</li>
        <li>{t('popup_caveat_dnssec')}</li>
        {!policyFetchGranted && <li>{t('popup_caveat_policy_not_checked')}</li>}
      </ul>
    </Disclosure>
  );
}
