// Every run that will train on a GPU holds a GPU slot, so two GPU runs never share one GPU unasked: which
// runs want one (webgpu always, the desktop route included as it runs the same config; tensorflow on CUDA;
// auto as it resolves), which slot WebGPU's adapter is, how the machine's GPUs are found, and the run
// manager queueing a second webgpu run (on this machine's software adapter) while a CPU run goes ahead.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { linuxRenderNodes } from '../../src-main/runs/machine-gpus.js';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { gpuNeed, SlotPool, WEBGPU_ADAPTER, type SlotLimits } from '../../src-main/runs/slots.js';
import { getRun, openDatabase } from '../../src-main/store/index.js';
import { skipWebgpu } from '../trainer/backend/webgpu-adapter.js';
import { tinyPolynomialWith } from '../trainer/tiny-polynomial.js';

const on = (backend: string) => mustParseRunConfig({ training: { backend } });

describe('which runs hold a GPU', () => {
  const none: SlotLimits = { gpus: [], cpu: 2 };
  const named: SlotLimits = { gpus: ['Radeon RX 7900'], cpu: 2 };
  const cuda: SlotLimits = { gpus: ['RTX 4090'], cpu: 2, cuda: true };

  it('webgpu always: on a named GPU, or on the adapter WebGPU offers where none is named', () => {
    for (const limits of [none, named, cuda]) expect(gpuNeed(on('webgpu'), limits)).toBe('webgpu');
  });

  it('tensorflow only where CUDA reaches a GPU (else it trains on the CPU)', () => {
    expect(gpuNeed(on('tensorflow'), cuda)).toBe('cuda');
    expect(gpuNeed(on('tensorflow'), named)).toBeNull();
    expect(gpuNeed(on('tensorflow'), { ...none, cuda: true })).toBeNull();
  });

  it('auto as it resolves: CUDA first, then WebGPU on a real GPU, else the CPU (never a software adapter)', () => {
    expect(gpuNeed(on('auto'), cuda)).toBe('cuda');
    expect(gpuNeed(on('auto'), named)).toBe('webgpu');
    expect(gpuNeed(on('auto'), none)).toBeNull();
    for (const cpu of ['wasm', 'cpu']) expect(gpuNeed(on(cpu), cuda)).toBeNull();
  });
});

describe('the GPU slots', () => {
  const take = (pool: SlotPool, runId: string, gpu: 'cuda' | 'webgpu') =>
    pool.take({ runId, gpu, threads: null });

  it('gives one WebGPU run the adapter at a time, and CPU runs go on beside it', () => {
    const pool = new SlotPool({ gpus: [], cpu: 1 });
    expect(take(pool, 'a', 'webgpu')).toEqual({ kind: 'gpu', index: 0, name: WEBGPU_ADAPTER });
    expect(take(pool, 'b', 'webgpu')).toBeNull();
    expect(pool.take({ runId: 'c', gpu: null, threads: null })).toEqual({ kind: 'cpu', runId: 'c' });
    pool.release({ kind: 'gpu', index: 0, name: WEBGPU_ADAPTER });
    expect(take(pool, 'b', 'webgpu')).not.toBeNull();
  });

  it('puts WebGPU on the first GPU and CUDA runs on any free one, never two runs on one GPU', () => {
    const pool = new SlotPool({ gpus: ['GPU 0', 'GPU 1'], cpu: 2, cuda: true });
    expect(take(pool, 'cuda-1', 'cuda')).toMatchObject({ index: 0, name: 'GPU 0' });
    expect(take(pool, 'webgpu', 'webgpu')).toBeNull(); // WebGPU's adapter is GPU 0, which is busy
    expect(take(pool, 'cuda-2', 'cuda')).toMatchObject({ index: 1, name: 'GPU 1' });
    pool.release({ kind: 'gpu', index: 0, name: 'GPU 0' });
    expect(take(pool, 'webgpu', 'webgpu')).toMatchObject({ index: 0 });
    expect(take(pool, 'cuda-3', 'cuda')).toBeNull();
  });
});

describe("the machine's GPUs", () => {
  it('are the render nodes of AMD, Intel and NVIDIA cards on Linux (not virtual displays or BMC chips)', () => {
    const drm = mkdtempSync(join(tmpdir(), 'raptr-drm-'));
    const node = (name: string, vendor: string) => {
      mkdirSync(join(drm, name, 'device'), { recursive: true });
      writeFileSync(join(drm, name, 'device', 'vendor'), `${vendor}\n`);
    };
    node('renderD129', '0x8086');
    node('renderD128', '0x1002');
    node('renderD130', '0x1af4'); // virtio-gpu
    node('card0', '0x1a03'); // an ASPEED BMC's display: a card, no render node
    mkdirSync(join(drm, 'renderD131')); // no device folder
    expect(linuxRenderNodes(drm)).toEqual(['AMD GPU (renderD128)', 'Intel GPU (renderD129)']);
    expect(linuxRenderNodes(join(drm, 'missing'))).toEqual([]);
  });
});

// Real trainers: the webgpu ones on this machine's adapter (Mesa's lavapipe, a software one).
describe.skipIf(skipWebgpu)('the run manager and GPU runs', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'raptr-gpu-slots-'));
  const db = openDatabase(join(dir, 'raptr.db'));
  const manager = new RunManager({ db, runsDir: join(dir, 'runs'), slots: { gpus: [], cpu: 2 }, pollMs: 50 });
  afterAll(async () => {
    await manager.shutdown();
    db.close();
  });
  const endless = (backend: string) => tinyPolynomialWith({ backend, steps: 1_000_000, checkpointEvery: 0 });
  const stepped = (runId: string) =>
    new Promise<void>((resolve) =>
      manager.subscribe((e) => {
        if (e.runId === runId && e.type === 'message' && e.message.type === 'step') resolve();
      }),
    );

  it('queues a second webgpu run until the first ends, while a CPU run starts at once', async () => {
    const first = manager.create({ config: endless('webgpu') });
    const firstStepped = stepped(first.id);
    const second = manager.create({ config: endless('webgpu') });
    const cpu = manager.create({ config: endless('wasm') });
    const cpuStepped = stepped(cpu.id);
    await Promise.all([firstStepped, cpuStepped]);
    expect(getRun(db, first.id)!.backend).toBe('webgpu');
    expect(getRun(db, second.id)!.status).toBe('queued');

    const secondStepped = stepped(second.id);
    manager.stop(first.id);
    expect(await manager.waitFor(first.id)).toBe('stopped');
    await secondStepped; // the adapter is free: the queued run starts
    expect(getRun(db, second.id)!).toMatchObject({ status: 'running', backend: 'webgpu' });
    for (const run of [second, cpu]) manager.stop(run.id);
    for (const run of [second, cpu]) expect(await manager.waitFor(run.id)).toBe('stopped');
  });
});
