// What each webmail's outgoing servers honour. The verdict "protected" needs the sender to
// enforce the recipient's policy (DESIGN.md). The facts and their sources live in core's SENDERS
// table; which webmail maps to which sender is a constant here until the settings issue makes it
// configurable (a Workspace admin may know better).
import { SENDERS } from '../core/index.ts';
import type { SenderCapabilities } from '../core/index.ts';
import type { ProviderId } from '../shared/messages.ts';

const WEBMAIL_SENDER: Readonly<Partial<Record<ProviderId, SenderCapabilities>>> = {
  gmail: { mtaSts: SENDERS.gmail.mtaSts, dane: SENDERS.gmail.dane },
};

/** Undefined: unknown sender, and the engine words "protected" as "if your provider honours…". */
export function senderFor(provider: ProviderId): SenderCapabilities | undefined {
  return WEBMAIL_SENDER[provider];
}
