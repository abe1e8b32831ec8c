// AdamW whose state belongs to each variable, by name. tfjs's own optimizers key their moment slots by
// position in the gradient list, so when the set of active blocks changes, moments silently move between
// same-shaped blocks (ENGINE-NOTES.md). Here a variable that gets no gradient is not touched at all
// (skippedGrad "none"), or is updated with a zero gradient (skippedGrad "zero"), and keeps its own step
// count for bias correction, as PyTorch's per-parameter state does.
// Three implementations of the same update: in place on the wasm heap (backend/wasm/optimizer-kernels.ts),
// in place on the GPU (backend/webgpu/adamw-kernels.ts), and tf ops elsewhere. None reads a tensor back.
import type { OptimizerConfig } from '../../../shared/config/schema.js';
import { inPlaceKernels, type InPlaceKernels, type VariableUpdate } from '../backend/in-place-kernels.js';
import { webgpuOptimizer, type GpuOptimizer } from '../backend/webgpu/adamw-kernels.js';
import { assignOwned, type Param, type ParameterSet } from '../model/params.js';
import { tf, type NamedTensorMap, type Tensor, type Variable } from '../tf.js';

interface Slot {
  param: Param;
  m: Variable;
  v: Variable;
  /** Updates this variable has received (Adam's t). */
  step: number;
}

export interface SlotState {
  name: string;
  step: number;
  m: Float32Array;
  v: Float32Array;
}

export class AdamW {
  private readonly slots = new Map<string, Slot>();

  constructor(
    params: ParameterSet,
    private readonly config: OptimizerConfig,
  ) {
    for (const param of params.all()) {
      const zeros = (moment: 'm' | 'v') => {
        const initial = tf.zeros(param.variable.shape);
        const variable = tf.variable(initial, false, `${param.variable.name}.adam.${moment}`);
        initial.dispose();
        return variable;
      };
      this.slots.set(param.name, { param, m: zeros('m'), v: zeros('v'), step: 0 });
    }
  }

  /**
   * One update. `grads` holds the gradients of the variables that ran this step, by name; `zeroGrad`
   * names variables that did not run but must still be stepped with a zero gradient.
   */
  apply(grads: NamedTensorMap, lr: number, zeroGrad: readonly string[] = []): void {
    const named = Object.entries(grads);
    const skipped = zeroGrad.filter((name) => !(name in grads));
    const gpu = webgpuOptimizer();
    if (gpu) return this.applyOnGpu(gpu, named, skipped, lr);
    const heap = inPlaceKernels();
    if (heap) return this.applyOnHeap(heap, named, skipped, lr);
    const clipScale = this.clipScale(named.map(([, g]) => g));
    try {
      for (const [name, grad] of named) this.update(this.slot(name), grad, lr, clipScale);
      for (const name of skipped) this.update(this.slot(name), null, lr, clipScale);
    } finally {
      if (typeof clipScale !== 'number') clipScale.dispose();
    }
  }

  /**
   * The factor the gradients are multiplied by: clip / (norm + 1e-6) when their global L2 norm is above
   * gradClip, else 1 (a scalar tensor, or the number 1 when clipping is off).
   */
  private clipScale(grads: Tensor[]): number | Tensor {
    const clip = this.config.gradClip;
    if (clip <= 0 || grads.length === 0) return 1;
    return tf.tidy(() => {
      const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
      return tf.where(tf.greater(norm, clip), tf.div(clip, tf.add(norm, 1e-6)), tf.onesLike(norm));
    });
  }

  /** On the wasm heap: the norm's sums read back as numbers, then one update call for every variable. */
  private applyOnHeap(heap: InPlaceKernels, named: [string, Tensor][], skipped: string[], lr: number): void {
    const clip = this.config.gradClip;
    let scale = 1;
    if (clip > 0 && named.length > 0) {
      const sums = heap.sumsOfSquares(named.map(([, g]) => g));
      const norm = Math.sqrt(sums.reduce((sum, s) => sum + s, 0));
      if (norm > clip) scale = clip / (norm + 1e-6);
    }
    const { beta1, beta2, eps } = this.config;
    heap.adamw(this.variableUpdates(named, skipped), scale, { lr, beta1, beta2, eps });
  }

  private applyOnGpu(gpu: GpuOptimizer, named: [string, Tensor][], skipped: string[], lr: number): void {
    const clip = gpu.clipFactor(
      named.map(([, g]) => g),
      this.config.gradClip,
    );
    try {
      const { beta1, beta2, eps } = this.config;
      gpu.update(this.variableUpdates(named, skipped), clip, { lr, beta1, beta2, eps });
    } finally {
      clip.dispose();
    }
  }

  /** Each variable's update for the in-place kernels, counting its step (gradients first, then skipped). */
  private variableUpdates(named: [string, Tensor][], skipped: string[]): VariableUpdate[] {
    const { beta1, beta2 } = this.config;
    return [...named, ...skipped.map((name) => [name, null] as const)].map(([name, grad]) => {
      const slot = this.slot(name);
      slot.step += 1;
      return {
        param: slot.param.variable,
        grad,
        m: slot.m,
        v: slot.v,
        weightDecay: slot.param.decay ? this.config.weightDecay : 0,
        bc1: 1 - beta1 ** slot.step,
        bc2: 1 - beta2 ** slot.step,
      };
    });
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`optimizer: no parameter named ${name}`);
    return slot;
  }

  private update(slot: Slot, grad: Tensor | null, lr: number, clipScale: number | Tensor): void {
    const { beta1: b1, beta2: b2, eps } = this.config;
    const wd = slot.param.decay ? this.config.weightDecay : 0;
    slot.step += 1;
    const bc1 = 1 - b1 ** slot.step;
    const bc2 = 1 - b2 ** slot.step;
    const p = slot.param.variable;
    tf.tidy(() => {
      const g = grad ? tf.mul(grad, clipScale) : tf.zerosLike(p);
      const m = tf.add(tf.mul(slot.m, b1), tf.mul(g, 1 - b1));
      const v = tf.add(tf.mul(slot.v, b2), tf.mul(tf.square(g), 1 - b2));
      const denom = tf.add(tf.sqrt(tf.div(v, bc2)), eps);
      const next = tf.sub(tf.mul(p, 1 - lr * wd), tf.div(tf.mul(m, lr / bc1), denom));
      slot.m.assign(m);
      slot.v.assign(v);
      p.assign(next);
    });
  }

  /** Adam's moments and step count for one variable (tests, checkpoints). */
  moments(name: string): { m: Tensor; v: Tensor; step: number } {
    const slot = this.slot(name);
    return { m: slot.m, v: slot.v, step: slot.step };
  }

  async exportState(): Promise<SlotState[]> {
    return Promise.all(
      [...this.slots.values()].map(async (s) => ({
        name: s.param.name,
        step: s.step,
        m: (await s.m.data()) as Float32Array,
        v: (await s.v.data()) as Float32Array,
      })),
    );
  }

  importState(states: readonly SlotState[]): void {
    for (const state of states) {
      const slot = this.slot(state.name);
      slot.step = state.step;
      for (const [target, values] of [
        [slot.m, state.m],
        [slot.v, state.v],
      ] as const) {
        const copy = tf.tensor(values, target.shape);
        target.assign(copy);
        copy.dispose();
      }
    }
  }

  /** Copies one group's state onto another's, name by name (stacking copies the top block's state). */
  copyState(fromNames: readonly string[], toNames: readonly string[]): void {
    fromNames.forEach((from, i) => {
      const source = this.slot(from);
      const target = this.slot(toNames[i]!);
      target.step = source.step;
      assignOwned(target.m, source.m);
      assignOwned(target.v, source.v);
    });
  }

  dispose(): void {
    for (const slot of this.slots.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.slots.clear();
  }
}
