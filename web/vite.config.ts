import { defineConfig } from 'vitest/config';
import { precompress } from './scripts/precompress';

const api = 'http://127.0.0.1:8080';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  plugins: [precompress()],
  server: {
    proxy: { '/api': api, '/.well-known': api },
  },
  preview: {
    proxy: { '/api': process.env.ADMIT_API ?? api, '/.well-known': process.env.ADMIT_API ?? api },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    rollupOptions: {
      onwarn(warning, warn) {
        // React Query marks its modules "use client" for server components; meaningless in an SPA.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
});
