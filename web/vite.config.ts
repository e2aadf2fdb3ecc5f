/// <reference types="vitest" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { sizeReport } from './plugins/size-report';

// The app lives under /app/ on the helpdesk server (docs/WEB.md); HELPDESK_WEB_BASE overrides.
const base = process.env.HELPDESK_WEB_BASE || '/app/';

export default defineConfig({
  base,
  // Preact's automatic JSX runtime through esbuild: no Babel, no extra plugin.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      react: 'preact/compat',
      'react-dom': 'preact/compat',
    },
  },
  build: {
    target: 'es2020',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
  },
  plugins: [sizeReport(150 * 1024)],
  server: {
    port: 5173,
    proxy: { '/api': process.env.HELPDESK_URL || 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
