// Popup entry: render the App with the real Connector.
import { render } from 'preact';
import '../ui/base.css';
import './popup.css';
import { App } from './App.tsx';
import { createBrowserConnector } from '../ui/connector.ts';

const root = document.getElementById('app');
if (root) render(<App connector={createBrowserConnector()} />, root);
