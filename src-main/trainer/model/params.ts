// Named trainable variables. Names are stable ("blocks.3.attn.q.w"): the optimizer keys its state by
// them, checkpoints store them, and export maps them to Hugging Face names. Initial values come from our
// seeded RNG, not tf.random*, so a seed gives the same weights on every backend.
import type { Rng } from '../../../shared/rng.js';
import { tf, type Tensor, type Variable } from '../tf.js';

export type ParamGroup = 'embed' | 'head' | `block.${number}`;

export interface Param {
  name: string;
  group: ParamGroup;
  variable: Variable;
  /** Decoupled weight decay applies to weight matrices and embeddings, not to biases or norm gains. */
  decay: boolean;
}

export type Init = { kind: 'normal'; std: number } | { kind: 'zeros' } | { kind: 'ones' };

let nextSetId = 0;

export class ParameterSet {
  private readonly byName = new Map<string, Param>();
  /** tfjs variable names are global to the process; a per-set prefix lets several models coexist (tests). */
  private readonly prefix = `m${nextSetId++}/`;

  constructor(private readonly rng: Rng) {}

  /** The parameter name of a tfjs variable name (variableGrads keys its result by variable name). */
  nameOf(variableName: string): string {
    return variableName.startsWith(this.prefix) ? variableName.slice(this.prefix.length) : variableName;
  }

  add(
    name: string,
    group: ParamGroup,
    shape: number[],
    init: Init,
    decay = init.kind === 'normal',
  ): Variable {
    if (this.byName.has(name)) throw new Error(`parameter ${name} defined twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (init.kind === 'normal') for (let i = 0; i < size; i++) values[i] = init.std * this.rng.normal();
    if (init.kind === 'ones') values.fill(1);
    const initial = ownedCopy(values, shape);
    const variable = tf.variable(initial, true, this.prefix + name);
    initial.dispose(); // the variable keeps the data; only the handle goes
    this.byName.set(name, { name, group, variable, decay });
    return variable;
  }

  get(name: string): Variable {
    const param = this.byName.get(name);
    if (!param) throw new Error(`no parameter named ${name}`);
    return param.variable;
  }

  /** Every parameter, in definition order (a fixed order: the optimizer and checkpoints rely on it). */
  all(): Param[] {
    return [...this.byName.values()];
  }

  inGroup(group: ParamGroup): Param[] {
    return this.all().filter((p) => p.group === group);
  }

  count(): number {
    return this.all().reduce((sum, p) => sum + p.variable.size, 0);
  }

  /** Copies every value of one group onto another with the same layout (stacking grows a block this way). */
  copyGroup(from: ParamGroup, to: ParamGroup): void {
    const source = this.inGroup(from);
    const target = this.inGroup(to);
    if (source.length !== target.length) throw new Error(`cannot copy ${from} onto ${to}: layouts differ`);
    source.forEach((p, i) => assignOwned(target[i]!.variable, p.variable));
  }

  /** Replaces values by name (checkpoint load); every name must exist with the same shape. */
  load(values: Map<string, Tensor>): void {
    for (const [name, value] of values) {
      const variable = this.get(name);
      if (value.shape.join() !== variable.shape.join())
        throw new Error(`parameter ${name}: shape ${value.shape} does not match ${variable.shape}`);
      assignOwned(variable, value);
    }
  }

  dispose(): void {
    for (const p of this.byName.values()) p.variable.dispose();
    this.byName.clear();
  }
}

/**
 * A variable must own its data alone: the wasm and webgpu optimizers update weights in place, and tfjs
 * lets a variable share storage with the tensor it was made from or assigned. So values are copied in.
 */
function ownedCopy(values: Float32Array, shape: number[]): Tensor {
  return tf.tensor(values, shape);
}

/** Assigns a copy of `value` made on the device (x * 1 is exact), so nothing is read back. */
export function assignOwned(variable: Variable, value: Tensor): void {
  const copy = tf.mul(value, 1);
  variable.assign(copy);
  copy.dispose();
}

export const blockGroup = (index: number): ParamGroup => `block.${index}`;
