// The organisation's help page (settings `orgName` and `helpUrl`) as a link, shared by the inline
// badge's details panel and the send-time dialog. The URL is https only: the settings accept
// nothing else and the message boundary checks it again (messaging.ts).
import type { SendCheckConfig } from '../shared/messages.ts';
import { t } from '../shared/i18n.ts';

export interface OrgHelp {
  row: HTMLParagraphElement;
  link: HTMLAnchorElement;
  /** Shows the link when `wanted` and the organisation has a help page; hides it otherwise. */
  show(config: SendCheckConfig | null, wanted?: boolean): void;
}

export function createOrgHelp(doc: Document): OrgHelp {
  const row = doc.createElement('p');
  const link = doc.createElement('a');
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  row.append(link);
  return {
    row,
    link,
    show(config, wanted = true) {
      const url = wanted ? config?.helpUrl ?? null : null;
      row.hidden = url === null;
      if (config && url !== null) {
        link.href = url;
        link.textContent = config.orgName !== null ? t('org_help_link_named', [config.orgName]) : t('org_help_link');
      }
    },
  };
}
