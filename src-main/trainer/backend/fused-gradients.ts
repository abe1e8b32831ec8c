// The gradients of our fused kernels, registered once for every backend: tfjs keys gradients by kernel
// name alone. Each is written with tf ops and our *Grad kernels, so a backend that registers the fused
// kernels (wasm/, webgpu/) gets autodiff through them for free.
import { tf, type Tensor } from '../tf.js';
import { FUSED, runKernel } from './fused-common.js';

let registered = false;

export function registerFusedGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: FUSED.gelu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => runKernel(FUSED.geluGrad, { x: saved[0]!, dy: dy as Tensor }) as Tensor,
    }),
  });
  // Nothing saved: the gradient needs only dy and the scale. Each input gets its own tensor object (a
  // reshape shares dy's data), as tfjs disposes accumulated gradients one by one.
  tf.registerGradient({
    kernelName: FUSED.residual,
    gradFunc: (dy, _saved, attrs) => {
      const g = dy as Tensor;
      const { scale } = attrs as unknown as { scale: number };
      return {
        y: () => tf.reshape(g, g.shape),
        branch: () => (scale === 1 ? tf.reshape(g, g.shape) : tf.mul(g, scale)),
      };
    },
  });
  tf.registerGradient({
    kernelName: FUSED.layerNorm,
    inputsToSave: ['x', 'gamma'],
    gradFunc: (dy, saved, attrs) => {
      // One kernel yields all three gradients; tfjs asks for them one by one, so compute them once here.
      const [x, gamma] = saved as [Tensor, Tensor];
      const [dx, dgamma, dbeta] = runKernel(
        FUSED.layerNormGrad,
        { x, gamma, dy: dy as Tensor },
        attrs,
      ) as Tensor[];
      return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
    },
  });
  // The three gradients are plain matMul / sum, each computed only if tfjs asks for it: an input that
  // needs no gradient (data) costs nothing.
  tf.registerGradient({
    kernelName: FUSED.linear,
    inputsToSave: ['x', 'w'],
    gradFunc: (dy, saved) => {
      const [x, w] = saved as [Tensor, Tensor];
      // Rows of x and dy as matrices; the model's x is already 2-D, and each reshape is engine overhead.
      const flat = (t: Tensor, cols: number) => (t.rank === 2 ? t : tf.reshape(t, [-1, cols]));
      const g = flat(dy as Tensor, w.shape[1]!);
      return {
        x: () => {
          const dx = tf.matMul(g, w, false, true);
          return x.rank === 2 ? dx : tf.reshape(dx, x.shape);
        },
        w: () => tf.matMul(flat(x, w.shape[0]!), g, true, false),
        b: () => tf.sum(g, 0),
      };
    },
  });
  tf.registerGradient({
    kernelName: FUSED.softmaxXent,
    inputsToSave: ['logits', 'labels'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved) => {
      const [logits, labels, stats] = saved as [Tensor, Tensor, Tensor];
      const dy = (dys as Tensor[])[0]!;
      return {
        logits: () => runKernel(FUSED.softmaxXentGrad, { logits, labels, stats, dy }) as Tensor,
        // Labels are integers: no gradient flows to them (tfjs prunes this path; the shape must still match).
        labels: () => tf.zeros(labels.shape),
      };
    },
  });
  tf.registerGradient({
    kernelName: FUSED.attention,
    inputsToSave: ['q', 'k', 'v'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved, attrs) => {
      const [q, k, v, probs] = saved as [Tensor, Tensor, Tensor, Tensor];
      const dy = (dys as Tensor[])[0]!;
      // One kernel yields all three gradients; tfjs asks for them one by one, so compute them once here.
      const [dq, dk, dv] = runKernel(FUSED.attentionGrad, { q, k, v, probs, dy }, attrs) as Tensor[];
      return { q: () => dq!, k: () => dk!, v: () => dv! };
    },
  });
}
