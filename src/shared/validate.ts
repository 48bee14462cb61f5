// Validation of every message at the boundary (DESIGN.md "Privacy and security": messages are
// validated at every boundary; sizes are bounded). The receiver parses `unknown` into the
// message types of messages.ts; anything else is rejected, never half-accepted.
import * as v from 'valibot';
import { MAX_LABEL_LENGTH, type BgToCs, type CsToBg, type RecipientField, type UiToBg } from './messages.ts';
import { WEBMAIL_IDS } from './webmails.ts';

/** Recipients per compose window the background will look at. */
export const MAX_RECIPIENTS = 200;
/** RFC 5321 s4.5.3.1: 64 (local part) + 1 + 255 (domain). */
export const MAX_ADDRESS_LENGTH = 320;
export const MAX_COMPOSE_ID_LENGTH = 128;
/** RFC 1035 s2.3.4 limits a name to 255 octets; 253 characters in text form. */
export const MAX_DOMAIN_LENGTH = 253;
export const MAX_RECHECK_DOMAINS = 200;
export const MAX_MANUAL_INPUT_LENGTH = 1000;
export const MAX_SUMMARY_LENGTH = 500;

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
const displayLevel = v.picklist([
  'protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown', 'internal', 'required', 'checking', 'skipped',
]);

export const csToBgSchema = v.variant('type', [
  v.object({
    type: v.literal('cs/compose-update'),
    composeId,
    webmail,
    recipients: v.pipe(v.array(recipient), v.maxLength(MAX_RECIPIENTS)),
    fieldsFound: v.boolean(),
  }),
  v.object({ type: v.literal('cs/compose-closed'), composeId }),
  v.object({ type: v.literal('cs/compose-focus'), composeId }),
]);

export const bgToCsSchema = v.variant('type', [
  v.object({
    type: v.literal('bg/compose-verdicts'),
    composeId,
    summary: v.object({ level: v.nullable(displayLevel), total: count, notProtected: count, checking: count }),
    recipients: v.pipe(
      v.array(v.pipe(v.object({
        address,
        label,
        domain: v.pipe(v.string(), v.maxLength(MAX_DOMAIN_LENGTH)),
        level: displayLevel,
        summary: v.pipe(v.string(), v.maxLength(MAX_SUMMARY_LENGTH)),
      }), v.check(namedWhenAddressless, 'a verdict without an address needs a label'))),
      v.maxLength(MAX_RECIPIENTS),
    ),
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
