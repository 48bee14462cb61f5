// The details behind one verdict: what was looked up and what it said (the Assessment's evidence, src/core/types.ts).
import type { Assessment } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { cap, daneHostText, formatMaxAge, mtaStsPolicyText, mtaStsRecordText, mxStatusText, tlsRptText, usageName, yesNo } from '../format.ts';

export function Evidence({ assessment }: { assessment: Assessment }) {
  const { mx, mtaSts, dane, tlsRpt, provider, sender } = assessment.evidence;
  return (
    <div class="evidence">
      {assessment.reasons.length > 0 && (
        <>
          <h3>{t('popup_evidence_reasons')}</h3>
          <ul>
            {assessment.reasons.map((r) => <li key={r.code} data-code={r.code}>{cap(r.message, 500)}</li>)}
          </ul>
        </>
      )}

      <h3>{t('popup_evidence_mx')}</h3>
      <p>{mxStatusText[mx.status]()}</p>
      {mx.nullMx && <p>{t('popup_mx_null')}</p>}
      {mx.implicit && <p>{t('popup_mx_implicit')}</p>}
      {mx.hosts.length > 0 && (
        <ul class="plain">
          {mx.hosts.map((h) => (
            <li key={h.host}>
              <code>{h.preference}</code> <code>{cap(h.host)}</code>
              {h.mtaStsPattern !== undefined && (
                <span class="muted">
                  {' — '}
                  {h.mtaStsPattern === null ? t('popup_mx_matches_no_pattern') : t('popup_mx_matches_pattern', [cap(h.mtaStsPattern)])}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}

      <h3>{t('popup_evidence_mta_sts')}</h3>
      <dl class="facts">
        <dt>{t('popup_sts_record')}</dt>
        <dd>{mtaStsRecordText[mtaSts.record]()}{mtaSts.id !== undefined && <> (<code>id={cap(mtaSts.id, 32)}</code>)</>}</dd>
        <dt>{t('popup_sts_policy')}</dt>
        <dd>{mtaStsPolicyText[mtaSts.policy]()}</dd>
        {mtaSts.mode !== undefined && <><dt>{t('popup_sts_mode')}</dt><dd><code>{mtaSts.mode}</code></dd></>}
        {mtaSts.mx !== undefined && <><dt>{t('popup_sts_mx')}</dt><dd>{mtaSts.mx.map((p) => cap(p)).join(', ')}</dd></>}
        {mtaSts.maxAge !== undefined && <><dt>{t('popup_sts_max_age')}</dt><dd>{formatMaxAge(mtaSts.maxAge)}</dd></>}
        {mtaSts.problem !== undefined && <><dt>{t('popup_sts_problem')}</dt><dd>{cap(mtaSts.problem.message, 500)}</dd></>}
      </dl>
      {mtaSts.warnings.length > 0 && (
        <ul>{mtaSts.warnings.map((w) => <li key={w.code}>{cap(w.message, 500)}</li>)}</ul>
      )}

      <h3>{t('popup_evidence_dane')}</h3>
      <p>{t('popup_dane_mx_secure', [yesNo(dane.mxSecure)])}</p>
      {dane.hosts.length > 0 && (
        <ul class="plain">
          {dane.hosts.map((h) => (
            <li key={h.host}>
              <code>{cap(h.host)}</code>: {daneHostText[h.status]()}
              {h.usages.length > 0 && <span class="muted"> ({h.usages.map(usageName).join(', ')})</span>}
            </li>
          ))}
        </ul>
      )}

      <h3>{t('popup_evidence_tls_rpt')}</h3>
      <p>{tlsRptText[tlsRpt.record]()}</p>
      {tlsRpt.rua.length > 0 && <ul class="plain">{tlsRpt.rua.map((r) => <li key={r}><code>{cap(r)}</code></li>)}</ul>}

      <dl class="facts">
        {provider && <><dt>{t('popup_evidence_provider')}</dt><dd>{cap(provider.name)}</dd></>}
        {sender && <><dt>{t('popup_evidence_sender')}</dt><dd>{t('popup_sender_caps', [yesNo(sender.mtaSts), yesNo(sender.dane)])}</dd></>}
        <dt>{t('popup_evidence_checked_at')}</dt>
        <dd>{new Date(assessment.checkedAt).toLocaleTimeString()}</dd>
      </dl>
    </div>
  );
}
