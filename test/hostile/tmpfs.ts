// A small RAM disk for the full-disk tests: a tmpfs of a few MB fills in seconds. Mounting needs root (or
// CAP_SYS_ADMIN), so where the tests do not run as root, or the sandbox refuses the mount, they are
// skipped and say why (`unavailableReason`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Changes the size in place (files stay): how a test "frees space". */
  resize(megabytes: number): void;
  unmount(): void;
}

export function mountTmpfs(megabytes: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'raptr-full-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'pipe' });
  return {
    dir,
    resize: (size) => void execFileSync('mount', ['-o', `remount,size=${size}m`, dir], { stdio: 'pipe' }),
    unmount: () => {
      // Lazy: a process the test could not stop must not leave the mount (and the test) hanging.
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why a tmpfs cannot be mounted here, or null when it can (tried once, with a 1 MB probe). */
export function tmpfsUnavailableReason(): string | null {
  if (process.platform !== 'linux') return 'tmpfs mounts are a Linux feature';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root, and these tests do not run as root';
  try {
    mountTmpfs(1).unmount();
    return null;
  } catch (error) {
    return `this machine refused to mount a tmpfs (${(error as Error).message.split('\n')[0]})`;
  }
}
