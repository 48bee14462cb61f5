// Small text helpers for showing evidence. Every string from DNS or a policy is shown as text
// (never markup) and capped, so a hostile record cannot flood the popup.
import type { DaneHostStatus, DnsClass, MtaStsEvidence, TlsRptEvidence } from '../core/index.ts';
import { t, tPlural } from '../shared/i18n.ts';

export const MAX_SHOWN_LENGTH = 255;

export function cap(text: string, max = MAX_SHOWN_LENGTH): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * max_age (RFC 8461 s3.2, seconds) in the largest whole unit it reaches: "1 day", "7 days",
 * "5 hours", "30 minutes", "0 seconds" — each with the plural form its count takes.
 */
export function formatMaxAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= 86_400) return tPlural('popup_duration_days', Math.floor(s / 86_400));
  if (s >= 3_600) return tPlural('popup_duration_hours', Math.floor(s / 3_600));
  if (s >= 60) return tPlural('popup_duration_minutes', Math.floor(s / 60));
  return tPlural('popup_duration_seconds', s);
}

export const mxStatusText: Record<DnsClass, () => string> = {
  secure: () => t('popup_mx_status_secure'),
  insecure: () => t('popup_mx_status_insecure'),
  'secure-denial': () => t('popup_mx_status_denial'),
  'insecure-denial': () => t('popup_mx_status_denial'),
  nxdomain: () => t('popup_mx_status_nxdomain'),
  servfail: () => t('popup_mx_status_servfail'),
  timeout: () => t('popup_mx_status_timeout'),
  error: () => t('popup_mx_status_error'),
};

export const mtaStsRecordText: Record<MtaStsEvidence['record'], () => string> = {
  absent: () => t('popup_sts_record_absent'),
  valid: () => t('popup_sts_record_valid'),
  invalid: () => t('popup_sts_record_invalid'),
  'lookup-failed': () => t('popup_lookup_failed'),
};

export const mtaStsPolicyText: Record<MtaStsEvidence['policy'], () => string> = {
  'not-checked': () => t('popup_sts_policy_not_checked'),
  fetched: () => t('popup_sts_policy_fetched'),
  cached: () => t('popup_sts_policy_cached'),
  'fetch-failed': () => t('popup_sts_policy_fetch_failed'),
  invalid: () => t('popup_sts_policy_invalid'),
  'not-applicable': () => t('popup_sts_policy_not_applicable'),
};

export const daneHostText: Record<DaneHostStatus, () => string> = {
  dane: () => t('popup_dane_host_dane'),
  'unusable-tlsa': () => t('popup_dane_host_unusable'),
  'no-tlsa': () => t('popup_dane_host_none'),
  insecure: () => t('popup_dane_host_insecure'),
  'dnssec-failure': () => t('popup_dane_host_dnssec_failure'),
  'lookup-failed': () => t('popup_lookup_failed'),
};

export const tlsRptText: Record<TlsRptEvidence['record'], () => string> = {
  absent: () => t('popup_tlsrpt_absent'),
  valid: () => t('popup_tlsrpt_valid'),
  'no-usable-rua': () => t('popup_tlsrpt_no_rua'),
  invalid: () => t('popup_tlsrpt_invalid'),
  'lookup-failed': () => t('popup_lookup_failed'),
};

/** RFC 7218 acronyms for TLSA certificate usages. */
const USAGE_NAMES = ['PKIX-TA', 'PKIX-EE', 'DANE-TA', 'DANE-EE'];
export const usageName = (usage: number): string => USAGE_NAMES[usage] ?? String(usage);

export const yesNo = (value: boolean): string => (value ? t('popup_yes') : t('popup_no'));
