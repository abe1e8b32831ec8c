// @ts-check
// Process boundaries are enforced here, not by hope (ARCHITECTURE.md, "Rules that keep the house livable").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'crypto',
  'util',
  'url',
  'stream',
  'events',
  'http',
  'https',
  'net',
];

/** What no trainer file may import: Electron, SQLite and the main process's own modules. */
const TRAINER_FORBIDS = [
  'electron',
  'electron/*',
  'better-sqlite3',
  '**/store/**',
  '**/runs/**',
  '**/services/**',
  '**/server/**',
  '**/cli/**',
  '**/src-renderer/**',
];

/** The training engine's files: they are bundled into the GPU renderer (scripts/build-gpu-renderer.mjs). */
const PORTABLE_ENGINE = [
  'src-main/trainer/train-loop.ts',
  'src-main/trainer/engine-io.ts',
  'src-main/trainer/checkpoint-contents.ts',
  'src-main/trainer/telemetry.ts',
  'src-main/trainer/transitions.ts',
  'src-main/trainer/tf.ts',
  'src-main/trainer/yield.ts',
  'src-main/trainer/model/**/*.ts',
  'src-main/trainer/optim/**/*.ts',
  'src-main/trainer/subnet/**/*.ts',
  'src-main/trainer/tasks/**/*.ts',
  'src-main/trainer/eval/**/*.ts',
  'src-main/trainer/data/mlm/**/*.ts',
  'src-main/trainer/data/probes/classifiers/**/*.ts',
  'src-main/trainer/data/probes/{prepared,baselines,types}.ts',
  'src-main/trainer/data/tokens/token-source.ts',
  'src-main/trainer/backend/{fused-common,fused-gradients,fused-ops,device-guard,device-limits,in-place-kernels}.ts',
  'src-main/trainer/error-message.ts',
  'src-main/trainer/gpu-route/*.ts',
  'src-main/trainer/gpu-route/renderer/**/*.ts',
  'src-main/checkpoints/state.ts',
];

/** @param {string[]} patterns @param {string} why */
const forbid = (patterns, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message: why }] }],
});

export default tseslint.config(
  {
    ignores: [
      'src-main/trainer/kernels/assembly/**',
      'dist/**',
      'node_modules/**',
      'out/**',
      'release/**',
      'docs/**',
      'src-renderer/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // shared/ is imported by every process, the renderer included: pure TypeScript only.
    files: ['shared/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      ...forbid(
        [
          ...nodeBuiltins,
          'electron',
          'electron/*',
          'better-sqlite3',
          '@tensorflow/*',
          '**/src-main/**',
          '**/src-renderer/**',
        ],
        'shared/ is pure TypeScript: no Node, Electron, DOM, SQLite or TensorFlow imports.',
      ),
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    // The trainer runs in a utility process and knows nothing of Electron or the database.
    files: ['src-main/trainer/**/*.ts'],
    rules: forbid(
      TRAINER_FORBIDS,
      'The trainer must not import Electron, SQLite or main-process modules; talk through shared/trainer-protocol.',
    ),
  },
  {
    // The webgpu backend runs in Node (Dawn) now and in a browser renderer (navigator.gpu) later: only
    // dawn-node.ts may load Dawn or touch Node; the kernels and their registration stay portable.
    files: ['src-main/trainer/backend/webgpu/**/*.ts'],
    ignores: [
      'src-main/trainer/backend/webgpu/dawn-node.ts',
      'src-main/trainer/backend/webgpu/driver-hint.ts',
    ],
    rules: forbid(
      [...nodeBuiltins, 'webgpu', 'electron', 'electron/*', 'better-sqlite3', '**/store/**', '**/runs/**'],
      'Only backend/webgpu/dawn-node.ts may import Node or Dawn; the WGSL kernels must run in a browser too.',
    ),
  },
  {
    // The engine (train loop, model, policies, optimizer, evals, the data it reads) runs in a Node trainer
    // and, bundled, in the desktop app's GPU renderer: no Node, no files. Its I/O (engine-io.ts) is
    // implemented for Node in node-engine.ts and for the renderer in gpu-route/renderer/.
    // (This replaces the trainer rule above for these files, so it repeats its list, TRAINER_FORBIDS.)
    files: PORTABLE_ENGINE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'webgpu', message: 'Dawn is Node-only: only backend/webgpu/dawn-node.ts loads it.' },
          ],
          patterns: [
            {
              group: [
                ...nodeBuiltins,
                '@tensorflow/tfjs-node-gpu',
                '@tensorflow/tfjs-backend-wasm',
                ...TRAINER_FORBIDS,
              ],
              message:
                'The engine runs in the GPU renderer too: no Node, Electron or main-process imports; put file and process work behind EngineIO (engine-io.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // Only main.ts, the preloads and the Electron host may touch Electron; the rest of main runs in plain Node too.
    files: ['src-main/**/*.ts'],
    ignores: [
      'src-main/main.ts',
      'src-main/preload.ts',
      'src-main/gpu-preload.ts',
      'src-main/electron/**',
      'src-main/runs/electron-host.ts',
      'src-main/trainer/**',
    ],
    rules: forbid(
      ['electron', 'electron/*', '**/src-renderer/**'],
      'Electron is only imported by main.ts, the preloads and src-main/electron/.',
    ),
  },
  ...svelte.configs.recommended,
  {
    // Components: TypeScript inside <script lang="ts">, parsed by typescript-eslint.
    files: ['src-renderer/**/*.svelte', 'src-renderer/**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    rules: {
      // It reads the reason written after a svelte-ignore code as more codes; svelte-check (run with
      // --fail-on-warnings) already reports an ignore that no longer matches a warning.
      'svelte/no-unused-svelte-ignore': 'off',
    },
  },
  {
    // The renderer never touches Node: it talks through one typed API object. (vite.config.ts is the
    // build's Node-side config, not renderer code.)
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    ignores: ['src-renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: forbid(
      [...nodeBuiltins, 'electron', 'electron/*', 'better-sqlite3', '@tensorflow/*', '**/src-main/**'],
      'The renderer never imports Node, Electron, SQLite, TensorFlow or src-main; use the API client.',
    ),
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
