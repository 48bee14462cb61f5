// Where one assessment runs: at the organisation's lookup service (setting `lookupService`) or
// here, through the engine with DoH and the policy fetch. Decided once per assessment, from the
// settings in effect when it starts: while a lookup service is set, nothing here builds a
// resolver or a fetch, so no DoH query and no policy fetch can happen — not even when the service
// fails (docs/decisions.md "Lookup service": never a silent fallback).
import type { AssessDeps, Assessment, SenderCapabilities } from '../core/index.ts';
import type { CheckedBy } from '../shared/messages.ts';
import type { LookupServiceSetting, Settings } from '../shared/settings.ts';
import type { LookupClient } from './lookup-client.ts';

export type LocalDeps = Omit<AssessDeps, 'sender'>;
export type Route = { service: LookupServiceSetting; local?: undefined } | { service?: undefined; local: LocalDeps };

/** The route for the settings: the service when one is set, else the local deps (built only then). */
export async function routeFor(settings: Pick<Settings, 'lookupService'>, local: () => Promise<LocalDeps> | LocalDeps): Promise<Route> {
  if (settings.lookupService !== null) return { service: settings.lookupService };
  return { local: await local() };
}

/** An assess function for createAssessmentService that follows the route. */
export function routedAssess(client: Pick<LookupClient, 'assess'>, engine: (domain: string, deps: AssessDeps) => Promise<Assessment>) {
  return (domain: string, route: Route & { sender?: SenderCapabilities }): Promise<Assessment> => (route.service
    ? client.assess(route.service, domain, route.sender)
    : engine(domain, { ...route.local, ...(route.sender ? { sender: route.sender } : {}) }));
}

/**
 * The popup's "Checked by …" while a lookup service is set: the name the service gives itself
 * (/v1/info and every answer carry `service.name`), else the organisation's (`orgName`), else
 * its host. Undefined without a service.
 */
export function checkedByFor(settings: Pick<Settings, 'lookupService' | 'orgName'>, serviceName: (url: string) => string | null | undefined): CheckedBy | undefined {
  const { lookupService, orgName } = settings;
  if (lookupService === null) return undefined;
  return { name: serviceName(lookupService.url) ?? orgName, host: new URL(lookupService.url).host };
}
