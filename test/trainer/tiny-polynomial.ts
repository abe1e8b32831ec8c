// The tiny polynomial run the webgpu and GPU-route tests train: a 4-layer residual MLP on a two-term
// polynomial, RaPTr stages 2-3-4, 24 steps, a checkpoint every 6. Seconds on a software adapter.
export const tinyPolynomial = {
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } } as Record<string, unknown>,
  optimizer: { lr: 3e-3 },
  training: { batchSize: 32, steps: 24, evalEvery: 8, checkpointEvery: 6, seed: 2, backend: 'webgpu' },
};

/** The same run with these training fields (backend, steps, ...) and, optionally, another policy. */
export function tinyPolynomialWith(
  training: Partial<(typeof tinyPolynomial)['training']>,
  policy: Record<string, unknown> = tinyPolynomial.policy,
) {
  return { ...tinyPolynomial, policy, training: { ...tinyPolynomial.training, ...training } };
}
