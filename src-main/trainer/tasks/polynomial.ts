// Boolean polynomial regression (RAPTR.md, "Polynomial experiment"; a reconstruction, labelled ours):
// x uniform on {-1,+1}^d, target f(x) = sum_j c_j chi_Sj(x) with chi_S(x) = prod_{i in S} x_i.
// Fresh samples every step; the per-degree component error err_j = (E[F(x) chi_Sj(x)] - c_j)^2 is
// estimated on a fixed set of fresh samples with the full model.
import type { ModelConfig, PolynomialTask } from '../../../shared/config/schema.js';
import { Rng } from '../../../shared/rng.js';
import type { EvalResult } from '../../../shared/trainer-protocol.js';
import type { ParameterSet } from '../model/params.js';
import { ResidualMlp } from '../model/residual-mlp.js';
import type { StepMask } from '../subnet/index.js';
import { tf, type Tensor } from '../tf.js';
import type { TaskBatch, TrainingTask } from './types.js';

interface PolynomialBatch extends TaskBatch {
  x: Tensor;
  y: Tensor;
}

/** n random points of {-1,+1}^d, row-major, 32 coordinates per RNG draw. */
export function samplePoints(rng: Rng, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  let bits = 0;
  let left = 0;
  for (let i = 0; i < out.length; i++) {
    if (left === 0) {
      bits = rng.nextUint32();
      left = 32;
    }
    out[i] = bits & 1 ? 1 : -1;
    bits >>>= 1;
    left--;
  }
  return out;
}

/** chi_S(x) for every row, and f(x) = sum_j c_j chi_Sj(x). */
export function evaluatePolynomial(
  task: PolynomialTask,
  x: Float32Array,
  n: number,
): { chi: Float32Array[]; f: Float32Array } {
  const d = task.inputDim;
  const chi = task.terms.map((term) => {
    const values = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      let product = 1;
      for (const i of term.support) product *= x[r * d + i]!;
      values[r] = product;
    }
    return values;
  });
  const f = new Float32Array(n);
  task.terms.forEach((term, j) => chi[j]!.forEach((value, r) => (f[r]! += term.coefficient * value)));
  return { chi, f };
}

/** "eval/poly/err_deg3", or "eval/poly/err_t2_deg3" when two terms share a degree. */
export function componentErrorNames(task: PolynomialTask): string[] {
  const degrees = task.terms.map((t) => new Set(t.support).size);
  const unique = new Set(degrees).size === degrees.length;
  return degrees.map((deg, j) => (unique ? `eval/poly/err_deg${deg}` : `eval/poly/err_t${j + 1}_deg${deg}`));
}

const EVAL_CHUNK = 4096;

function toBatch(x: Float32Array, f: Float32Array, rows: number): PolynomialBatch {
  const batch = { x: tf.tensor2d(x, [rows, x.length / rows]), y: tf.tensor1d(f) };
  return {
    ...batch,
    examples: rows,
    tokens: rows,
    predicted: rows,
    dispose: () => tf.dispose([batch.x, batch.y]),
  };
}

export function createPolynomialTask(
  task: PolynomialTask,
  model: ModelConfig,
  batchSize: number,
  seed: number,
  params: ParameterSet,
): TrainingTask<PolynomialBatch> {
  const net = new ResidualMlp(
    { inputDim: task.inputDim, width: model.dModel, hidden: model.ffDim, layers: model.layers },
    params,
  );
  let data = Rng.stream(seed, 'data');
  const evalSet = samplePoints(Rng.stream(seed, 'eval'), task.evalSamples, task.inputDim);
  const evalTarget = evaluatePolynomial(task, evalSet, task.evalSamples);
  const names = componentErrorNames(task);

  return {
    modelOverrides: {},
    facts: {
      inputDim: task.inputDim,
      terms: task.terms.length,
      maxDegree: Math.max(...task.terms.map((t) => t.support.length)),
    },
    nextBatch() {
      const x = samplePoints(data, batchSize, task.inputDim);
      return toBatch(x, evaluatePolynomial(task, x, batchSize).f, batchSize);
    },
    // The first rows of the fixed evaluation sample, batchSize at a time.
    heldOutBatches(count) {
      const d = task.inputDim;
      const batches: PolynomialBatch[] = [];
      for (let start = 0; batches.length < count && start < task.evalSamples; start += batchSize) {
        const rows = Math.min(batchSize, task.evalSamples - start);
        const x = evalSet.slice(start * d, (start + rows) * d);
        batches.push(toBatch(x, evalTarget.f.slice(start, start + rows), rows));
      }
      return batches;
    },
    loss(batch, mask) {
      return tf.losses.meanSquaredError(batch.y, net.predict(batch.x, mask));
    },
    async evaluate(mask: StepMask): Promise<EvalResult[]> {
      const predictions = new Float32Array(task.evalSamples);
      for (let start = 0; start < task.evalSamples; start += EVAL_CHUNK) {
        const rows = Math.min(EVAL_CHUNK, task.evalSamples - start);
        const chunk = evalSet.subarray(start * task.inputDim, (start + rows) * task.inputDim);
        const out = tf.tidy(() => net.predict(tf.tensor2d(chunk, [rows, task.inputDim]), mask));
        predictions.set(await out.data(), start);
        out.dispose();
      }
      let squared = 0;
      predictions.forEach((p, r) => (squared += (p - evalTarget.f[r]!) ** 2));
      const results: EvalResult[] = [{ name: 'eval/loss', value: squared / task.evalSamples }];
      task.terms.forEach((term, j) => {
        let correlation = 0;
        predictions.forEach((p, r) => (correlation += p * evalTarget.chi[j]![r]!));
        results.push({ name: names[j]!, value: (correlation / task.evalSamples - term.coefficient) ** 2 });
      });
      return results;
    },
    rngStates: () => ({ data: data.state() }),
    restoreRngStates(states) {
      if (states.data) data = Rng.fromState(states.data);
    },
    dispose() {},
  };
}
