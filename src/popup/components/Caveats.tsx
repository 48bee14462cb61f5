// What the check cannot see, always one click away (docs/decisions.md "Presentation").
import { t } from '../../shared/i18n.ts';
import { Disclosure } from '../../ui/Disclosure.tsx';

export function Caveats() {
  return (
    <Disclosure label={t('popup_caveats_heading')}>
      <ul class="caveats">
        <li>{t('popup_caveat_published_policy')}</li>
        <li>{t('popup_caveat_relays')}</li>
        <li>{t('popup_caveat_dnssec')}</li>
      </ul>
    </Disclosure>
  );
}
