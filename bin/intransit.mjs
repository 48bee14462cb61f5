#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so there is no separate build step for it.
import { register } from 'tsx/esm/api';

register();
const { main, nodeIo } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), nodeIo);
