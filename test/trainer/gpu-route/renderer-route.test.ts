// The GPU route's two ends for real: the renderer bundle as the app ships it, training in headless Debian
// Chromium on its WebGPU (SwiftShader here), driven by the utility process's side (drive-renderer.ts)
// with the Node trainer's own files. Its losses match the Node engine's for the same config and seed; it
// checkpoints and resumes exactly; a renderer that crashes, hangs or breaks the protocol fails the run
// with a reason, and the run resumes from its last checkpoint on another backend.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MLM_KEYS } from '../../../shared/metrics.js';
import type { TrainerMessage } from '../../../shared/trainer-protocol.js';
import { hasChromium } from '../../../src-main/repro/chromium.js';
import { RendererMessageSchema, type AdapterReport } from '../../../src-main/trainer/gpu-route/protocol.js';
import { driveRenderer } from '../../../src-main/trainer/gpu-route/utility/drive-renderer.js';
import { nodeEngineIO } from '../../../src-main/trainer/node-engine.js';
import {
  buildBundle,
  launchWebgpuChromium,
  openRendererPage,
  serveBundle,
  type RendererPage,
} from './chromium-page.js';
import { tinyPolynomial, tinyPolynomialWith } from '../tiny-polynomial.js';
import { trainMessages } from '../train-messages.js';

const it = hasChromium ? test : test.skip;
if (!hasChromium) console.warn('skipping the GPU route tests: Debian chromium is not installed');

const cacheDir = mkdtempSync(join(tmpdir(), 'raptr-cache-'));

const polynomial = tinyPolynomial;

// A tiny BERT on the built-in corpus: RaPTr stages 3-4 (the first and last blocks always run; in stage 1
// each middle one with probability 1/2, drawn each step), a held-out evaluation every 4 steps with [MASK]
// at every target (the default evalMasking), and a checkpoint every 4.
const tinyMlm = (backend: string) => ({
  task: { kind: 'mlm', tokenizer: { vocabSize: 300 }, evalBatches: 1, probes: { when: 'never' } },
  model: { layers: 4, dModel: 32, heads: 2, ffDim: 64, seqLen: 32 },
  policy: { kind: 'raptr', schedule: { label: '3-4' } },
  training: { batchSize: 8, steps: 8, evalEvery: 4, checkpointEvery: 4, seed: 2, backend },
});
const onBackend = (backend: string) => tinyPolynomialWith({ backend });

let browser: Browser;
let served: Awaited<ReturnType<typeof serveBundle>>;

beforeAll(async () => {
  if (!hasChromium) return;
  served = await serveBundle(buildBundle());
  browser = await launchWebgpuChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  served?.close();
});

/** The renderer's hello: the adapter its navigator.gpu offers. */
function hello(renderer: RendererPage): Promise<AdapterReport> {
  return new Promise((resolve, reject) =>
    renderer.port.onMessage((raw) => {
      const parsed = RendererMessageSchema.safeParse(raw);
      if (parsed.success && parsed.data.type === 'hello') resolve(parsed.data.adapter);
      else reject(new Error(`the renderer began with ${JSON.stringify(raw)}`));
    }),
  );
}

interface RouteRun {
  renderer: RendererPage;
  messages: TrainerMessage[];
  /** The trainer's exit code. */
  code: number;
}

interface RouteOptions {
  outDir?: string | null;
  resume?: { path: string; sha256: string | null } | null;
  stallMs?: number;
  /** Called with the page after each step the utility process relays. */
  afterStep?: (renderer: RendererPage, step: number) => void;
  stopAfter?: number;
}

/** One run through the route: a fresh renderer page, the utility side with the Node I/O. */
async function throughRenderer(config: unknown, options: RouteOptions = {}): Promise<RouteRun> {
  const renderer = await openRendererPage(browser, served.url);
  const adapter = await hello(renderer);
  if (!adapter.ok) throw new Error(`no WebGPU adapter in headless Chromium: ${JSON.stringify(adapter)}`);
  const messages: TrainerMessage[] = [];
  const run = driveRenderer({
    port: renderer.port,
    adapter,
    config,
    io: nodeEngineIO({ outDir: options.outDir ?? null, resume: options.resume ?? null, cacheDir }),
    emit: (message) => {
      messages.push(message);
      if (message.type !== 'step') return;
      options.afterStep?.(renderer, message.step);
      if (message.step === options.stopAfter) run.stop();
    },
    // The product's own limit (RAPTR_GPU_STALL_SECONDS' default, 300 s) unless a test is about stalls: a
    // polynomial step on SwiftShader went past a minute while a training study shared the two cores.
    stallMs: options.stallMs ?? 300_000,
    telemetryMs: 0,
  });
  const code = await run.finished;
  await renderer.close();
  return { renderer, messages, code };
}

const losses = (messages: TrainerMessage[]) => messages.flatMap((m) => (m.type === 'step' ? [m.loss] : []));
const checkpoints = (messages: TrainerMessage[]) =>
  messages.flatMap((m) => (m.type === 'checkpoint' ? [m] : []));
const errorOf = (messages: TrainerMessage[]) => messages.find((m) => m.type === 'error');
/** Each evaluation: its step and its results by name. */
const mlmEvals = (messages: TrainerMessage[]) =>
  messages.flatMap((m) =>
    m.type === 'eval' ? [{ step: m.step, results: new Map(m.results.map((r) => [r.name, r.value])) }] : [],
  );
const worstRelative = (got: number[], want: number[]) =>
  Math.max(...got.map((value, i) => Math.abs(value - want[i]!) / Math.abs(want[i]!)));

const inNode = (config: unknown) => trainMessages(config, { cacheDir });

// Minutes, not seconds, on a loaded 2-core machine: SwiftShader runs every kernel on the CPU. Each run
// fails by itself when it makes no progress for its stall limit, so the tests' own limit is only a
// backstop, far above the slowest run seen (a BERT's first step: over a minute under a load of 17).
describe('the GPU renderer in headless Chromium', { timeout: 1_800_000 }, () => {
  let alone: RouteRun;

  it('says which adapter it has, and trains on it the losses the Node engine gets (within 1e-5)', async () => {
    alone = await throughRenderer(polynomial);
    expect(alone.code, JSON.stringify(errorOf(alone.messages))).toBe(0);
    expect(alone.renderer.errors).toEqual([]); // no CSP violation, no page error
    const start = alone.messages.find((m) => m.type === 'start');
    expect(start?.type === 'start' && start.backend).toMatchObject({
      name: 'webgpu',
      device: expect.stringMatching(/Chromium/),
      gpu: false, // SwiftShader: a software adapter, and the run says so
      hint: expect.stringMatching(/software adapter/),
    });
    expect(alone.messages.at(-1)).toMatchObject({ type: 'done', status: 'completed' });

    const route = losses(alone.messages);
    expect(route).toHaveLength(24);
    expect(Math.min(...route.slice(-4))).toBeLessThan(route[0]! * 0.8);
    const node = losses(await inNode(onBackend('cpu')));
    const worst = worstRelative(route, node);
    console.log(JSON.stringify({ routeVsNodeCpuWorstRelative: worst, first: route[0], last: route.at(-1) }));
    expect(worst).toBeLessThan(1e-5);
  });

  it("trains a BERT (MLM) with the Node engine's losses and held-out evaluations ([MASK] at every target)", async () => {
    // Its first step compiles dozens of shaders on SwiftShader, with no message meanwhile: minutes on a
    // loaded machine, inside the app's own stall limit that every run here gets.
    const route = await throughRenderer(tinyMlm('webgpu'));
    expect(route.code, JSON.stringify(errorOf(route.messages))).toBe(0);
    expect(route.renderer.errors).toEqual([]);
    expect(route.messages.at(-1)).toMatchObject({ type: 'done', status: 'completed' });
    const node = await inNode(tinyMlm('cpu'));
    const routeLosses = losses(route.messages);
    expect(routeLosses).toHaveLength(8);
    const lossWorst = worstRelative(routeLosses, losses(node));

    // The held-out set is prepared in the utility process and crosses the port: the same targets, and
    // the same scores, as in Node. Every evaluation carries the every-target loss and its baselines.
    const evals = mlmEvals(route.messages);
    const nodeEvals = mlmEvals(node);
    expect(evals.map((e) => e.step)).toEqual(nodeEvals.map((e) => e.step));
    // Every 4 steps (3 and 7, counted from 0), the first also the end of stage 1.
    expect(evals.map((e) => e.step)).toEqual([3, 7]);
    const keys = [MLM_KEYS.loss, MLM_KEYS.acc, MLM_KEYS.lossTrainMasking, MLM_KEYS.unigramLoss];
    for (const e of evals) for (const key of keys) expect(Number.isFinite(e.results.get(key))).toBe(true);
    const evalLoss = (list: typeof evals) => list.map((e) => e.results.get(MLM_KEYS.loss)!);
    const evalWorst = worstRelative(evalLoss(evals), evalLoss(nodeEvals));
    expect(evals.map((e) => e.results.get(MLM_KEYS.unigramLoss))).toEqual(
      nodeEvals.map((e) => e.results.get(MLM_KEYS.unigramLoss)),
    );
    console.log(
      JSON.stringify({
        mlmRouteVsNodeCpuWorstRelative: { trainLoss: lossWorst, evalMlmLoss: evalWorst },
        evalMlmLossEveryTarget: evalLoss(evals),
        evalMlmAccEveryTarget: evals.map((e) => e.results.get(MLM_KEYS.acc)),
        unigramLoss: evals[0]!.results.get(MLM_KEYS.unigramLoss),
      }),
    );
    expect(lossWorst).toBeLessThan(1e-5);
    expect(evalWorst).toBeLessThan(1e-5);
  });

  it('writes checkpoints through the utility process, and a resumed run continues exactly', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-run-'));
    // The stop travels over the port while the renderer trains on: it lands a step or two after 10.
    const first = await throughRenderer(polynomial, { outDir, stopAfter: 10 });
    expect(first.code, JSON.stringify(errorOf(first.messages))).toBe(0);
    expect(first.messages.at(-1)).toMatchObject({ type: 'done', status: 'stopped' });
    const stoppedAt = losses(first.messages).length;
    expect(stoppedAt).toBeGreaterThanOrEqual(10);
    expect(stoppedAt).toBeLessThan(24);
    const written = checkpoints(first.messages);
    expect(written[0]!.step).toBe(6);
    const last = written.at(-1)!;
    expect(last.step).toBe(stoppedAt); // a stop writes a checkpoint first
    expect(readdirSync(join(outDir, 'checkpoints')).length).toBe(written.length);

    const resumed = await throughRenderer(polynomial, {
      outDir,
      resume: { path: last.path, sha256: last.sha256 },
    });
    expect(resumed.code, JSON.stringify(errorOf(resumed.messages))).toBe(0);
    expect(resumed.messages.find((m) => m.type === 'start')).toMatchObject({ resumedFromStep: stoppedAt });
    expect(losses(resumed.messages)).toEqual(losses(alone.messages).slice(stoppedAt));
  });

  it('fails the run with a reason when the renderer crashes, and it resumes on wasm from its checkpoint', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-run-'));
    const crashed = await throughRenderer(polynomial, {
      outDir,
      afterStep: (renderer, step) => {
        // A real renderer crash (the DevTools protocol's Page.crash), as a GPU driver fault would cause.
        if (step === 8)
          void renderer.page
            .context()
            .newCDPSession(renderer.page)
            .then((cdp) => cdp.send('Page.crash'))
            .catch(() => {});
      },
    });
    expect(crashed.code).toBe(1);
    const error = errorOf(crashed.messages);
    expect(error?.type === 'error' && error.message).toMatch(
      /the GPU renderer .* closed its end of the connection .*the run stopped after step \d+\. Resume it to continue from its last checkpoint \(step 6\) on any backend/,
    );
    const last = checkpoints(crashed.messages).at(-1)!;
    const messages = await trainMessages(onBackend('wasm'), {
      outDir,
      resume: { path: last.path, sha256: last.sha256 },
      cacheDir,
    });
    expect(messages.find((m) => m.type === 'start')).toMatchObject({
      resumedFromStep: 6,
      backend: { name: 'wasm' },
    });
    expect(losses(messages)).toHaveLength(18);
  });

  it('fails the run naming the lost GPU device when WebGPU loses it, and it resumes on wasm', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-run-'));
    let destroyed: Promise<number> | null = null;
    const lost = await throughRenderer(polynomial, {
      outDir,
      afterStep: (renderer, step) => {
        // The device goes away in the renderer (as after a GPU reset); the renderer itself lives on.
        if (step === 8) destroyed ??= renderer.loseDevices();
      },
    });
    expect(await destroyed).toBe(1);
    expect(lost.code).toBe(1);
    const error = errorOf(lost.messages);
    expect(error?.type === 'error' && error.message).toMatch(
      /the GPU \(SwiftShader.*\) was lost mid-run: .*The last checkpoint can be resumed on any backend/i,
    );
    expect(lost.messages.some((m) => m.type === 'done')).toBe(false);
    const last = checkpoints(lost.messages).at(-1)!;
    expect(last.step).toBeGreaterThanOrEqual(6);
    const messages = await trainMessages(onBackend('wasm'), {
      outDir,
      resume: { path: last.path, sha256: last.sha256 },
      cacheDir,
    });
    expect(messages.find((m) => m.type === 'start')).toMatchObject({
      resumedFromStep: last.step,
      backend: { name: 'wasm' },
    });
    expect(messages.at(-1)).toMatchObject({ type: 'done', status: 'completed', step: 24 });
    // The resumed losses are those of a run left alone (the backends agree within 1e-5).
    const uninterrupted = losses(await inNode(onBackend('cpu')));
    expect(worstRelative(losses(messages), uninterrupted.slice(last.step))).toBeLessThan(1e-5);
  });

  it('fails the run with a reason when the renderer hangs (no message for the stall limit)', async () => {
    // Long enough for the first step's shaders to compile on SwiftShader on a loaded machine.
    const hung = await throughRenderer(polynomial, {
      stallMs: 20_000,
      afterStep: (renderer, step) => {
        // The page's thread spins forever: no step, no reply, no close. Not awaited (it never returns).
        if (step === 3) void renderer.page.evaluate('for (;;) {}').catch(() => {});
      },
    });
    expect(hung.code).toBe(1);
    const error = errorOf(hung.messages);
    expect(error?.type === 'error' && error.message).toMatch(
      /made no progress for 20 s .*RAPTR_GPU_STALL_SECONDS.*the run stopped after step [3-9]\b/,
    );
  });

  it('fails the run with a reason when the renderer breaks the protocol', async () => {
    const broken = await throughRenderer(polynomial, {
      afterStep: (renderer, step) => {
        if (step !== 2) return;
        const bogus = { type: 'trainer', message: { type: 'step', step: 'two' } };
        void renderer.page
          .evaluate((m) => (globalThis as unknown as { raptrToNode(m: unknown): void }).raptrToNode(m), bogus)
          .catch(() => {});
      },
    });
    expect(broken.code).toBe(1);
    const error = errorOf(broken.messages);
    expect(error?.type === 'error' && error.message).toMatch(/sent a malformed trainer message/);
  });
});
