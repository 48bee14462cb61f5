// The send-time check on the extension pages (docs/decisions.md "Send-time check"): which mode is
// in force and whether the organisation set it (popup, options and welcome pages), and the
// one-click offer to turn it on (welcome and options pages).
import { useState } from 'preact/hooks';
import { t } from '../shared/i18n.ts';
import { log } from '../shared/log.ts';
import type { SettingsSnapshot } from '../shared/settings-merge.ts';
import type { Connector } from './connector.ts';

type Snapshot = Pick<SettingsSnapshot, 'settings' | 'sources'>;

/** "Check before sending: asks you first … (🔒 set by your organisation)." */
export function SendCheckState({ snapshot }: { snapshot: Snapshot }) {
  const mode = snapshot.settings.sendCheck;
  const managed = snapshot.sources.sendCheck === 'managed';
  return (
    <p class="send-check-state" data-testid="send-check-state" data-mode={mode} data-locked={managed ? 'true' : undefined}>
      {t(managed ? 'send_check_state_managed' : 'send_check_state', [t(`send_check_mode_${mode}`)])}
    </p>
  );
}

/**
 * One click turns the check on ('confirm') in the person's own settings. Offered only while it
 * is off and the organisation has not set it; afterwards the state says what is in force.
 */
export function SendCheckOffer({ snapshot, connector, onSaved }: { snapshot: Snapshot; connector: Connector; onSaved?: () => void }) {
  const [failed, setFailed] = useState(false);
  if (snapshot.settings.sendCheck !== 'off' || snapshot.sources.sendCheck === 'managed') return null;
  async function turnOn() {
    try {
      await connector.saveSettings({ sendCheck: 'confirm' }, []);
      setFailed(false);
      onSaved?.();
    } catch (error) {
      log.error('settings.save-failed', 'Turning on the check before sending failed.', error);
      setFailed(true);
    }
  }
  return (
    <>
      <button type="button" class="primary" data-testid="send-check-offer" onClick={() => void turnOn()}>{t('send_check_offer')}</button>
      {failed && <p class="notice" role="alert">{t('send_check_offer_failed')}</p>}
    </>
  );
}
