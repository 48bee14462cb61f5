// Options page entry.
import { render } from 'preact';
import '../ui/base.css';
import '../ui/page.css';
import './options.css';
import { App } from './App.tsx';
import { t } from '../shared/i18n.ts';
import { createBrowserConnector } from '../ui/connector.ts';

document.title = t('options_title');
const root = document.getElementById('app');
if (root) render(<App connector={createBrowserConnector()} />, root);
