#!/usr/bin/env node
// Bundles the GPU renderer's page (src-main/trainer/gpu-route/renderer: the training engine, TensorFlow.js
// with its webgpu backend and our WGSL kernels) into dist/gpu-renderer/, which the desktop app loads into
// a hidden window. The same bundle is what the headless-Chromium tests train with.
// Usage: node scripts/build-gpu-renderer.mjs [outDir]   (outDir defaults to dist/gpu-renderer)
import { build } from 'vite';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const page = join(root, 'src-main', 'trainer', 'gpu-route', 'renderer');
const outDir = resolve(process.argv[2] ?? join(root, 'dist', 'gpu-renderer'));

await build({
  configFile: false,
  root: page,
  base: './',
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    minify: false, // readable in a stack trace; it loads from local disk, size hardly matters
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 8192,
  },
});
console.log(`GPU renderer bundled into ${outDir}`);
