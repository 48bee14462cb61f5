// Lint rules: typescript-eslint's recommended set, plus the project's import arrows
// (DESIGN.md: core imports nothing of the others; a webmail adapter never imports another one
// or the background; UI reaches the background only through messages).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/.tmp/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // No string from the network or the page may become markup (Gmail enforces Trusted Types).
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Build DOM with createElement/textContent.' },
        { property: 'outerHTML', message: 'Build DOM with createElement/textContent.' },
        { property: 'insertAdjacentHTML', message: 'Build DOM with createElement/textContent.' }],
    },
  },
  { files: ['src/core/**'], rules: restrict([
    { group: ['**/background/**', '**/content/**', '**/popup/**', '**/options/**', '**/shared/**', '**/cli/**', '**/node/**', '**/service/**', 'webextension-polyfill', 'preact', 'node:*'],
      message: 'src/core stays pure: no browser, extension or Node APIs, no imports from other layers.' }]) },
  { files: ['src/content/**'], rules: restrict([
    { group: ['**/background/**', '**/popup/**', '**/options/**', '**/cli/**', '**/node/**', '**/service/**'], message: 'Content scripts reach the background only through messages.' }]) },
  // A webmail's folder (src/content/<webmail>/) uses the shared content modules, never another webmail's folder.
  { files: ['src/content/*/**'], rules: restrict([
    { group: ['**/background/**', '**/popup/**', '**/options/**', '**/cli/**', '**/node/**', '**/service/**'], message: 'Content scripts reach the background only through messages.' },
    { regex: '^\\.\\./(?!\\.\\./)[^/]+/', message: 'A webmail adapter never imports another webmail\'s folder.' }]) },
  { files: ['src/popup/**', 'src/options/**', 'src/welcome/**'], rules: restrict([
    { group: ['**/background/**', '**/content/**', '**/cli/**', '**/node/**', '**/service/**'], message: 'UI reaches the background only through messages.' }]) },
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
);
