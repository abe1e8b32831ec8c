// What `auto` and `webgpu` do where Dawn cannot run (Electron's processes) or finds only a software
// adapter: `webgpu` by name says why it is not available; `auto` falls back and says why in its hint.
import { afterEach, describe, expect, it } from 'vitest';
import { describeAdapter } from '../../../src-main/trainer/backend/webgpu/adapter.js';
import { dawnBlocker, requestNodeAdapter } from '../../../src-main/trainer/backend/webgpu/dawn-node.js';
import { selectBackend } from '../../../src-main/trainer/backend/select-backend.js';
import { gpuDriverHint } from '../../../src-main/trainer/backend/webgpu/driver-hint.js';

const pretendElectron = (on: boolean) =>
  on
    ? Object.defineProperty(process.versions, 'electron', { value: '41.0.0', configurable: true })
    : Reflect.deleteProperty(process.versions, 'electron');

afterEach(() => pretendElectron(false));

describe('backend selection', () => {
  it('refuses webgpu inside Electron with the reason, and auto falls back to wasm saying so', async () => {
    pretendElectron(true);
    expect(dawnBlocker()).toMatch(/cannot run inside Electron/);
    await expect(selectBackend('webgpu')).rejects.toThrow(
      /backend "webgpu" is not available: Dawn \(WebGPU for Node\) cannot run inside Electron/,
    );
    const auto = await selectBackend('auto');
    expect(auto).toMatchObject({ name: 'wasm', gpu: false, adapter: null });
    expect(auto.hint).toMatch(/cannot run inside Electron/);
  });

  it('picks webgpu for auto only on a real GPU; otherwise it says what to install', async () => {
    const adapter = await requestNodeAdapter();
    const auto = await selectBackend('auto');
    if (adapter && !describeAdapter(adapter).software) {
      expect(auto).toMatchObject({ name: 'webgpu', gpu: true });
      return;
    }
    expect(auto.name).not.toBe('webgpu');
    expect(auto.hint).toMatch(/WebGPU found (only a software adapter|no GPU adapter)|did not load/);
    expect(auto.hint).toContain('Vulkan driver');
  });

  it('names the driver to install on each platform', () => {
    expect(gpuDriverHint('linux')).toContain('mesa-vulkan-drivers');
    expect(gpuDriverHint('win32')).toContain('Direct3D 12');
    expect(gpuDriverHint('darwin')).toContain('Metal');
  });
});
