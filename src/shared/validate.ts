// Validation of every message at the boundary (docs/architecture.md "Messages": every message is
// validated by its receiver; sizes are bounded by limits.ts, the same bounds the sender uses).
// The receiver parses `unknown` into the message types of messages.ts; anything else is
// rejected, never half-accepted.
import * as v from 'valibot';
import type { BgToCs, CsToBg, RecipientField, UiToBg } from './messages.ts';
import {
  MAX_ADDRESS_LENGTH, MAX_COMPOSE_ID_LENGTH, MAX_DOMAIN_LENGTH, MAX_LABEL_LENGTH, MAX_MANUAL_INPUT_LENGTH, MAX_RECHECK_DOMAINS,
  MAX_RECIPIENTS, MAX_REVISION, MAX_SUMMARY_LENGTH,
} from './limits.ts';
import { MAX_ORG_NAME_LENGTH, MAX_URL_LENGTH, SEND_CHECK_MODES, WARN_LEVELS } from './settings.ts';
import { WEBMAIL_IDS } from './webmails.ts';

export { MAX_ADDRESS_LENGTH, MAX_RECIPIENTS } from './limits.ts';

const composeId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_COMPOSE_ID_LENGTH));
const webmail = v.picklist(WEBMAIL_IDS);
const address = v.nullable(v.pipe(v.string(), v.maxLength(MAX_ADDRESS_LENGTH)));
const label = v.optional(v.pipe(v.string(), v.maxLength(MAX_LABEL_LENGTH)));
/** A recipient without an address must say what the page shows instead (never an empty row). */
const namedWhenAddressless = <T extends { address: string | null; label?: string | undefined }>(r: T): boolean =>
  r.address !== null || (r.label !== undefined && r.label.trim() !== '');
const recipient = v.pipe(
  v.object({ address, label, field: v.picklist(['to', 'cc', 'bcc', 'unknown']), pending: v.boolean() }),
  v.check(namedWhenAddressless<{ address: string | null; label?: string | undefined; field: RecipientField; pending: boolean }>, 'a recipient without an address needs a label'),
);
const count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_RECIPIENTS));
const revision = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_REVISION));
const displayLevel = v.picklist([
  'protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown', 'internal', 'required', 'checking', 'skipped',
]);

export const csToBgSchema = v.variant('type', [
  v.object({
    type: v.literal('cs/compose-update'),
    composeId,
    webmail,
    revision,
    recipients: v.pipe(v.array(recipient), v.maxLength(MAX_RECIPIENTS)),
    tooMany: v.boolean(),
    fieldsFound: v.boolean(),
  }),
  v.object({ type: v.literal('cs/compose-closed'), composeId }),
  v.object({ type: v.literal('cs/compose-focus'), composeId }),
  v.object({ type: v.literal('cs/allow-policy-checks') }),
]);

export const bgToCsSchema = v.variant('type', [
  v.object({
    type: v.literal('bg/compose-verdicts'),
    composeId,
    revision,
    summary: v.object({
      level: v.nullable(displayLevel), total: count, notProtected: count, checking: count, atLevel: count,
      culprit: v.nullable(v.pipe(v.string(), v.maxLength(MAX_ADDRESS_LENGTH))),
      warned: v.boolean(), policyNotChecked: v.boolean(), tooMany: v.boolean(),
    }),
    recipients: v.pipe(
      v.array(v.pipe(v.object({
        address,
        label,
        domain: v.pipe(v.string(), v.maxLength(MAX_DOMAIN_LENGTH)),
        level: displayLevel,
        summary: v.pipe(v.string(), v.maxLength(MAX_SUMMARY_LENGTH)),
        policyNotChecked: v.boolean(),
      }), v.check(namedWhenAddressless, 'a verdict without an address needs a label'))),
      v.maxLength(MAX_RECIPIENTS),
    ),
    sendCheck: v.nullable(v.object({
      mode: v.picklist(SEND_CHECK_MODES),
      warnAtOrBelow: v.picklist(WARN_LEVELS),
      orgName: v.nullable(v.pipe(v.string(), v.maxLength(MAX_ORG_NAME_LENGTH))),
      helpUrl: v.nullable(v.pipe(v.string(), v.maxLength(MAX_URL_LENGTH))),
    })),
  }),
]);

export const uiToBgSchema = v.variant('type', [
  v.object({ type: v.literal('ui/get-tab-state'), tabId: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  v.object({
    type: v.literal('ui/recheck'),
    domains: v.pipe(
      v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_DOMAIN_LENGTH))),
      v.maxLength(MAX_RECHECK_DOMAINS),
    ),
  }),
  v.object({ type: v.literal('ui/check-manual'), input: v.pipe(v.string(), v.maxLength(MAX_MANUAL_INPUT_LENGTH)) }),
  v.object({ type: v.literal('ui/clear-cache') }),
  v.object({ type: v.literal('ui/get-diagnostics') }),
  v.object({
    type: v.literal('ui/lookup-service-status'),
    // Bounds only: the background validates the values as it validates the setting.
    service: v.optional(v.object({ url: v.pipe(v.string(), v.maxLength(1000)), token: v.optional(v.pipe(v.string(), v.maxLength(1000))) })),
  }),
]);

// The schemas must produce exactly the contract's types (compile-time check, no runtime cost).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _csExact: Same<v.InferOutput<typeof csToBgSchema>, CsToBg> = true;
const _bgExact: Same<v.InferOutput<typeof bgToCsSchema>, BgToCs> = true;
const _uiExact: Same<v.InferOutput<typeof uiToBgSchema>, UiToBg> = true;
void [_csExact, _bgExact, _uiExact];

function parseWith<S extends v.GenericSchema>(schema: S, message: unknown): v.InferOutput<S> | null {
  const result = v.safeParse(schema, message);
  return result.success ? result.output : null;
}

/** A content-script message, or null when it is not one (wrong shape, too long, too many). */
export const parseCsToBg = (message: unknown): CsToBg | null => parseWith(csToBgSchema, message);
export const parseBgToCs = (message: unknown): BgToCs | null => parseWith(bgToCsSchema, message);
export const parseUiToBg = (message: unknown): UiToBg | null => parseWith(uiToBgSchema, message);
