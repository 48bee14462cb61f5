// Welcome page entry.
import { render } from 'preact';
import '../ui/base.css';
import '../ui/page.css';
import { App } from './App.tsx';
import { t } from '../shared/i18n.ts';
import { createBrowserConnector } from '../ui/connector.ts';

document.title = t('welcome_title');
const root = document.getElementById('app');
// #allow: opened by a badge's "policy not checked — allow" (src/background/main.ts).
if (root) render(<App connector={createBrowserConnector()} section={location.hash.slice(1) || null} />, root);
