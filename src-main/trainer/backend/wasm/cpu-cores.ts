// Physical cores: the default thread count of a CPU run, and what concurrent CPU runs share. A second
// hardware thread on the same core adds little to SIMD arithmetic that already keeps the core's vector
// units busy, so threads are counted per core, not per logical CPU.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, platform } from 'node:os';

let cached: number | null = null;

/**
 * Cores this process may use: the logical CPUs it may run on (its affinity), divided by the hardware threads
 * per core where the OS says how many there are (Linux, macOS); the logical count elsewhere.
 */
export function physicalCores(): number {
  cached ??= Math.max(1, Math.ceil(availableParallelism() / threadsPerCore()));
  return cached;
}

function threadsPerCore(): number {
  try {
    if (platform() === 'linux') {
      // "0,64" or "0-1": the logical CPUs sharing cpu0's core.
      const siblings = readFileSync('/sys/devices/system/cpu/cpu0/topology/thread_siblings_list', 'utf8');
      return Math.max(1, countList(siblings.trim()));
    }
    if (platform() === 'darwin') {
      const read = (name: string) =>
        Number(execFileSync('sysctl', ['-n', name], { encoding: 'utf8' }).trim());
      const ratio = read('hw.logicalcpu') / read('hw.physicalcpu');
      return Number.isFinite(ratio) && ratio >= 1 ? ratio : 1;
    }
  } catch {
    // No topology to read (a container without /sys, a sandbox without sysctl): count logical CPUs.
  }
  return 1;
}

/** Number of CPUs in a Linux CPU list such as "0-3,8,10-11". */
export function countList(list: string): number {
  let count = 0;
  for (const range of list.split(',')) {
    const [from, to] = range.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from)) continue;
    count += to !== undefined && Number.isInteger(to) ? to - from + 1 : 1;
  }
  return count;
}
