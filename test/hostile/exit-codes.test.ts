// The README's exit-code contract, held against hostile input to every command: 2 for bad input, with
// short lines that name the problem and never a stack trace; 0 when all is well. (1 for a failed run and
// 130 for Ctrl-C are exercised with real runs in full-disk, long-error and the CLI tests.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { raptr } from './helpers.js';

const home = mkdtempSync(join(tmpdir(), 'raptr-hostile-exit-'));
const notADatabase = join(home, 'notes.txt');
writeFileSync(notADatabase, 'not a database\n'.repeat(100));

const BAD_INPUT: string[][] = [
  ['nope'],
  ['runs', '--status', 'bogus'],
  ['runs', '--db', '/etc'],
  ['runs', '--db', notADatabase],
  ['runs', '--db', `${notADatabase}/x.db`],
  ['show', 'no-such-run'],
  ['show', 'x'.repeat(100_000)],
  ['compare', 'a', 'b'],
  ['stop', 'nope'],
  ['resume', 'nope'],
  ['rm', 'nope', '--yes'],
  ['export', 'nope', '--format', 'csv', '--out', join(home, 'x.csv')],
  ['export', 'nope', '--format', 'bogus', '--out', join(home, 'x')],
  ['import', '/etc'],
  ['import', join(home, 'missing.raptr-bundle')],
  ['import', notADatabase],
  ['train'],
  ['train', '--preset', 'nope'],
  ['train', '--config', '/etc'],
  ['train', '--config', notADatabase],
  ['train', '--preset', 'quickstart', '--set', 'novalue'],
  ['train', '--preset', 'quickstart', '--set', '__proto__.x=1'],
  ['train', '--preset', 'quickstart', '--set', 'training[0]=1'],
  ['train', '--preset', 'quickstart', '--set', 'training.steps=1e999'],
  ['serve', '--port', '99999'],
  ['serve', '--host', '203.0.113.9', '--port', '0'],
];

describe('exit codes', () => {
  it.each(BAD_INPUT.map((args) => [args.join(' ').slice(0, 80), args]))(
    'bad input exits 2 with a short reason: %s',
    (_name, args) => {
      const result = raptr(args as string[], { home, timeoutMs: 60_000 });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
      expect(result.stderr.length).toBeGreaterThan(0);
      expect(result.stderr.length).toBeLessThan(4000);
    },
  );

  it('reading commands on a fresh database exit 0', () => {
    for (const args of [['runs'], ['runs', '--json'], ['presets'], ['--version']])
      expect(raptr(args, { home }).code).toBe(0);
  });
});
