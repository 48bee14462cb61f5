// The optional "all sites" host permission that MTA-STS policy fetches need (the policy lives at
// https://mta-sts.<recipient domain>/, docs/architecture.md "Permissions"). Without it the engine gets no
// fetch and says "policy not checked".
import type { Permissions } from 'webextension-polyfill';

export const POLICY_FETCH_ORIGINS = ['https://*/*'];

export interface PermissionsApi {
  contains(permissions: Permissions.Permissions): Promise<boolean>;
}

export function createPolicyPermission(api: PermissionsApi) {
  let known: Promise<boolean> | null = null;
  return {
    /** Cached; `refresh()` after permissions.onAdded/onRemoved. */
    granted(): Promise<boolean> {
      known ??= api.contains({ origins: POLICY_FETCH_ORIGINS }).catch(() => false);
      return known;
    },
    refresh(): Promise<boolean> {
      known = null;
      return this.granted();
    },
  };
}
