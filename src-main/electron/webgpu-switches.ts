// The Chromium switches the desktop app sets before it starts, so its GPU renderer can train on WebGPU.
// Pure (no Electron import): main.ts applies them, and the headless-Chromium tests start Chromium with the
// same set.

export interface ChromiumSwitch {
  name: string;
  value?: string;
}

export function webgpuSwitches(platform: string): ChromiumSwitch[] {
  // Adapter names in full ("NVIDIA GeForce RTX 4090", not just "nvidia"), so a run says which GPU trained
  // it. Only the app's own pages run in this Chromium, so the unmasked names leak nothing.
  const switches: ChromiumSwitch[] = [{ name: 'enable-webgpu-developer-features' }];
  // On Linux Chromium's WebGPU is still behind a switch and needs Vulkan (on macOS and Windows it is on).
  if (platform === 'linux')
    switches.push({ name: 'enable-unsafe-webgpu' }, { name: 'enable-features', value: 'Vulkan' });
  return switches;
}

/** The same switches as command-line flags ("--enable-features=Vulkan"). */
export function asFlags(switches: readonly ChromiumSwitch[]): string[] {
  return switches.map((s) => (s.value === undefined ? `--${s.name}` : `--${s.name}=${s.value}`));
}
