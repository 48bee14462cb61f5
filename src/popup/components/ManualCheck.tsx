// Check an address or a domain by hand (outside webmail, or before writing).
import { useState } from 'preact/hooks';
import type { Assessment } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { levelMeaning } from '../../shared/level-display.ts';
import { log } from '../../shared/log.ts';
import type { Connector } from '../../ui/connector.ts';
import type { CheckedBy } from '../../shared/messages.ts';
import { CheckedByNote } from './CheckedBy.tsx';
import { RecipientItem } from './RecipientItem.tsx';

type Result = { status: 'idle' } | { status: 'checking' } | { status: 'done'; assessments: Assessment[]; error?: string; checkedBy?: CheckedBy } | { status: 'failed' };

export function ManualCheck({ connector }: { connector: Connector }) {
  const [input, setInput] = useState('');
  const [result, setResult] = useState<Result>({ status: 'idle' });

  async function check(event: Event, force = false) {
    event.preventDefault();
    const text = input.trim();
    if (!text) return;
    setResult({ status: 'checking' });
    try {
      if (force && result.status === 'done') await connector.recheck(result.assessments.map((a) => a.domain));
      const response = await connector.checkManual(text);
      setResult({
        status: 'done', assessments: response.assessments,
        ...(response.error !== undefined ? { error: response.error } : {}),
        ...(response.checkedBy !== undefined ? { checkedBy: response.checkedBy } : {}),
      });
    } catch (error) {
      log.error('popup.manual-check-failed', 'A check by hand failed.', error);
      setResult({ status: 'failed' });
    }
  }

  return (
    <section class="manual" aria-labelledby="manual-heading">
      <h2 id="manual-heading">{t('popup_manual_heading')}</h2>
      <form onSubmit={(e) => void check(e)}>
        <label for="manual-input">{t('popup_manual_label')}</label>
        <div class="manual-row">
          <input
            id="manual-input"
            type="text"
            inputMode="email"
            autoComplete="off"
            spellcheck={false}
            maxLength={320}
            placeholder={t('popup_manual_placeholder')}
            value={input}
            onInput={(e) => setInput((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary">{t('popup_manual_submit')}</button>
        </div>
      </form>
      <div role="status" aria-live="polite">
        {result.status === 'checking' && <p>{t('level_checking_meaning')}</p>}
        {result.status === 'failed' && <p>{t('popup_error_background')}</p>}
        {result.status === 'done' && result.error !== undefined && <p>{result.error}</p>}
      </div>
      {result.status === 'done' && result.assessments.length > 0 && (
        <>
          <ul class="plain recipients">
            {result.assessments.map((a) => (
              <RecipientItem key={a.domain} label={a.displayDomain ?? a.domain} level={a.level} summary={levelMeaning(a.level)} assessment={a} />
            ))}
          </ul>
          {result.checkedBy && <CheckedByNote by={result.checkedBy} />}
          <button type="button" onClick={(e) => void check(e, true)}>{t('popup_check_again')}</button>
        </>
      )}
    </section>
  );
}
