// Every size bound of the message protocol, in one place: the content script reads, caps and
// sends with these, and the background's schema (validate.ts) accepts exactly these. A bound
// that differs between the two sides turns a valid compose into a message the other side drops
// (docs/decisions.md "Presentation": one limits module).

/**
 * Recipients of one compose that are checked. A compose with more is not checked at all and
 * says "too many recipients to check": a partial check could call a compose calm while an
 * unchecked recipient is not.
 */
export const MAX_RECIPIENTS = 200;
/** RFC 5321 s4.5.3.1: 64 (local part) + 1 + 255 (domain). */
export const MAX_ADDRESS_LENGTH = 320;
/** What a page shows for a recipient without a visible address (a contact's or group's name). */
export const MAX_LABEL_LENGTH = 100;
export const MAX_COMPOSE_ID_LENGTH = 128;
/** RFC 1035 s2.3.4 limits a name to 255 octets; 253 characters in text form. */
export const MAX_DOMAIN_LENGTH = 253;
export const MAX_RECHECK_DOMAINS = MAX_RECIPIENTS;
export const MAX_MANUAL_INPUT_LENGTH = 1000;
/** A verdict's one-sentence meaning. */
export const MAX_SUMMARY_LENGTH = 500;
/** A compose's recipient-list revision: a safe integer, counted up by the content script. */
export const MAX_REVISION = Number.MAX_SAFE_INTEGER;
/** Text typed or pasted into one recipient field that is looked at (far more than any real list). */
export const MAX_PENDING_TEXT = 65_536;
/** The organisation's name (setting `orgName`). */
export const MAX_ORG_NAME_LENGTH = 80;
/** An https URL in the settings (a resolver, the help page `helpUrl`). */
export const MAX_URL_LENGTH = 300;
