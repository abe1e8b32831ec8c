// Builds the renderer into dist/renderer. base './' makes every asset URL relative, so the same build
// loads from file:// inside Electron and from `raptr serve` at any mount point.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  // No svelte.config.js: the defaults (TypeScript in <script lang="ts">, runes) are what we want.
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Electron's Chromium and any current browser: no legacy transforms needed.
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
});
