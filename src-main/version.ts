// The app version, read once from package.json (recorded with every run).
import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const relative of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'raptr-studio' && pkg.version) return pkg.version;
    } catch {
      // not this level: dist/src-main/version.js sits one folder deeper than src-main/version.ts
    }
  }
  return '0.0.0';
}

export const APP_VERSION = readVersion();
