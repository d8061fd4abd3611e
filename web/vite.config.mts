import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

/**
 * One config for every console under web/: SHEKARA_CONSOLE=desk (default) or supervisor selects
 * web/<console> as the root and dist/web/<console> as the output. web/shared is reachable as
 * "@shared/...". In development (`npx vite --config web/vite.config.mts`) /api is proxied to a
 * running node (SHEKARA_API, default the border node on :3002). A console's index.html holds only its
 * <title>: the page around it is web/shared/page.html, the same for every console.
 */
const here = dirname(fileURLToPath(import.meta.url));
const consoleName = process.env.SHEKARA_CONSOLE ?? 'desk';
const api = process.env.SHEKARA_API ?? 'http://127.0.0.1:3002';

function sharedPage(): Plugin {
  const page = readFileSync(resolve(here, 'shared', 'page.html'), 'utf8');
  return {
    name: 'shekara-shared-page',
    // 'pre': before Vite reads the page's module script.
    transformIndexHtml: { order: 'pre', handler: (html) => page.replace('<!--title-->', /<title>[^<]*<\/title>/.exec(html)?.[0] ?? '') },
  };
}

export default defineConfig({
  root: resolve(here, consoleName),
  base: '/',
  logLevel: 'warn',
  plugins: [sharedPage()],
  resolve: { alias: { '@shared': resolve(here, 'shared') } },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(here, '..', 'dist', 'web', consoleName),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
  },
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
});
