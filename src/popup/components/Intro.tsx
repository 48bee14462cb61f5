// What InTransit does, for a tab that is not a supported webmail.
import { t } from '../../shared/i18n.ts';
import { webmailNamesOr } from '../../shared/webmail-names.ts';

export function Intro({ inWebmail }: { inWebmail: boolean }) {
  return (
    <section class="intro" aria-labelledby="intro-heading">
      <h2 id="intro-heading">{inWebmail ? t('popup_no_compose_heading') : t('popup_intro_heading')}</h2>
      {inWebmail ? <p>{t('popup_no_compose')}</p> : (
        <>
          <p>{t('popup_intro_what')}</p>
          <p>{t('popup_intro_where', [webmailNamesOr()])}</p>
        </>
      )}
    </section>
  );
}
