// .ci/install-vulkan-adapter.sh derives the backports suite from the machine's own apt sources (deb822 or
// one-line format), names no host of its own, and adds it once however often it runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../../.ci/install-vulkan-adapter.sh');

function aptRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'raptr-apt-'));
  mkdirSync(join(root, 'etc/apt/sources.list.d'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_CODENAME=bookworm\n');
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return root;
}

const addSource = (root: string) =>
  execFileSync('bash', [script, '--add-source-only'], {
    env: { ...process.env, APT_ROOT: root },
    encoding: 'utf8',
  });

const added = (root: string) => join(root, 'etc/apt/sources.list.d/raptr-bookworm-backports.sources');

describe('the CI adapter install', () => {
  it('adds bookworm-backports from the deb822 source of the release, with its mirror and key', () => {
    const root = aptRoot({
      'etc/apt/sources.list.d/debian.sources': [
        'Types: deb',
        'URIs: http://mirror.internal/debian-security',
        'Suites: bookworm-security',
        'Components: main',
        '',
        'Types: deb',
        '# a comment',
        'URIs: http://mirror.internal/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
      ].join('\n'),
    });
    addSource(root);
    expect(readFileSync(added(root), 'utf8')).toBe(
      'Types: deb\nURIs: http://mirror.internal/debian\nSuites: bookworm-backports\nComponents: main\n' +
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
    );
    expect(addSource(root)).toContain('already have bookworm-backports');
    expect(readdirSync(join(root, 'etc/apt/sources.list.d'))).toHaveLength(2);
  });

  it('reads a one-line sources.list, options and all', () => {
    const root = aptRoot({
      'etc/apt/sources.list':
        'deb http://other.internal/debian-security bookworm-security main\n' +
        'deb [arch=amd64 signed-by=/etc/apt/keyrings/debian.gpg] http://other.internal/debian bookworm main\n',
    });
    addSource(root);
    const text = readFileSync(added(root), 'utf8');
    expect(text).toContain('URIs: http://other.internal/debian\n');
    expect(text).toContain('Signed-By: /etc/apt/keyrings/debian.gpg\n');
  });

  it('leaves sources that already have the backports suite alone', () => {
    const root = aptRoot({
      'etc/apt/sources.list.d/backports.sources':
        'Types: deb\nURIs: http://mirror.internal/debian\nSuites: bookworm-backports\nComponents: main\n',
      'etc/apt/sources.list': 'deb http://mirror.internal/debian bookworm main\n',
    });
    expect(addSource(root)).toContain('already have bookworm-backports');
    expect(readdirSync(join(root, 'etc/apt/sources.list.d'))).toEqual(['backports.sources']);
  });
});
