// The organisation's name and help page (settings `orgName`, `helpUrl`), shown in the popup and
// on the welcome page. Both are plain text / an https URL validated by src/shared/settings.ts; the
// name is rendered as text and the link opens in a new tab without an opener.
import { t } from '../shared/i18n.ts';
import type { Settings } from '../shared/settings.ts';

export function OrgHelp({ settings, class: className }: { settings: Pick<Settings, 'orgName' | 'helpUrl'>; class?: string }) {
  const { orgName, helpUrl } = settings;
  if (orgName === null && helpUrl === null) return null;
  return (
    <div class={`org-help ${className ?? ''}`.trim()} data-testid="org-help">
      {orgName !== null && <p class="org-name">{t('org_set_up_by', [orgName])}</p>}
      {helpUrl !== null && (
        <p>
          <a href={helpUrl} target="_blank" rel="noopener noreferrer">{orgName !== null ? t('org_help_link_named', [orgName]) : t('org_help_link')}</a>
        </p>
      )}
    </div>
  );
}
