import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

// Three tiers: unit (pure code and DOM code in happy-dom), integration (engine and CLI against
// the in-process DoH server and HTTPS policy hosts), e2e (the built extension in real Chromium).
export default defineConfig({
  plugins: [preact()],
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.{ts,tsx}', 'test/unit/**/*.test.{ts,tsx}'], environment: 'node' } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], environment: 'node', testTimeout: 90_000, hookTimeout: 90_000, fileParallelism: false } },
    ],
  },
});
