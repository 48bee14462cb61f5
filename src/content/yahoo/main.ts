// Content-script entry for Yahoo Mail (the registry, src/shared/webmails.ts, points the manifest
// here). Runs in the top frame of mail.yahoo.com, where every compose lives.
import { startContentScript } from '../controller.ts';
import { runtimeTransport } from '../messaging.ts';
import { yahooAdapter } from './adapter.ts';

const transport = runtimeTransport();
if (transport !== null) startContentScript({ adapter: yahooAdapter, doc: document, transport });
