// The GPUs a run may train on, for the run manager's GPU slots: nvidia-smi's names where the NVIDIA driver
// is installed (CUDA index order), else what the operating system shows without loading any GPU library
// in this process (Electron's main process cannot load Dawn): render nodes of AMD, Intel and NVIDIA cards
// on Linux, and the Mac's own GPU (every Mac the app runs on has a Metal GPU). Windows shows nothing here
// without a slow system query: there, WebGPU runs still take the one WebGPU slot (slots.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nvidiaGpuNames } from '../trainer/backend/tensorflow/gpu-hints.js';

/** PCI vendor ids of cards with a real GPU (virtual displays and BMC chips are left out). */
const GPU_VENDORS: Record<string, string> = { '0x1002': 'AMD', '0x8086': 'Intel', '0x10de': 'NVIDIA' };

/** Linux: one name per DRM render node of a known GPU vendor ("AMD GPU (renderD128)"). */
export function linuxRenderNodes(drmDir = '/sys/class/drm'): string[] {
  let entries: string[];
  try {
    entries = readdirSync(drmDir).filter((name) => /^renderD\d+$/.test(name));
  } catch {
    return [];
  }
  return entries.sort().flatMap((node) => {
    try {
      const vendor = readFileSync(join(drmDir, node, 'device', 'vendor'), 'utf8')
        .trim()
        .toLowerCase();
      const name = GPU_VENDORS[vendor];
      return name ? [`${name} GPU (${node})`] : [];
    } catch {
      return [];
    }
  });
}

export function machineGpus(platform: NodeJS.Platform = process.platform): string[] {
  const nvidia = nvidiaGpuNames();
  if (nvidia.length > 0) return nvidia;
  if (platform === 'darwin') return ["the Mac's GPU (Metal)"];
  if (platform === 'linux') return linuxRenderNodes();
  return [];
}
