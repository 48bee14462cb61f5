// Content-script entry for Gmail (the registry, src/shared/webmails.ts, points the manifest
// here). Runs in mail.google.com pages, including the pop-out compose window, which is a
// separate top-level document.
import { startContentScript } from '../controller.ts';
import { runtimeTransport } from '../messaging.ts';
import { gmailAdapter } from './adapter.ts';

const transport = runtimeTransport();
if (transport !== null) startContentScript({ adapter: gmailAdapter, doc: document, transport });
