// Content-script entry for Outlook on the web (the registry, src/shared/webmails.ts, points the
// manifest here). Runs in every frame of the Outlook hosts and in the about:blank pop-out window
// the Outlook page writes ("Open in new window"); each document watches its own composes.
import { startContentScript } from '../controller.ts';
import { runtimeTransport } from '../messaging.ts';
import { outlookAdapter } from './adapter.ts';

const transport = runtimeTransport();
if (transport !== null) startContentScript({ adapter: outlookAdapter, doc: document, transport });
