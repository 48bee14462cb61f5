// Content-script entry for Gmail (the manifest points here). Runs in mail.google.com pages,
// including the pop-out compose window, which is a separate document (docs/architecture.md).
import { startContentScript } from '../controller.ts';
import { runtimeTransport } from '../messaging.ts';
import { gmailAdapter } from './adapter.ts';

const transport = runtimeTransport();
if (transport !== null) startContentScript({ adapter: gmailAdapter, doc: document, transport });
