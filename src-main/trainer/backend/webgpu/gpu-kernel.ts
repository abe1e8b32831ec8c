/// <reference types="@webgpu/types" />
// Our WGSL kernels, dispatched into TensorFlow.js's own command stream. tfjs's program model gives a kernel
// one output and read-only inputs; ours need several outputs (attention: context and probabilities,
// LayerNorm's gradient: dx, dgamma, dbeta) and in-place updates (AdamW's weights and moments). So each
// kernel declares its bindings, and dispatch() records it into the backend's current compute pass, in
// order with tfjs's kernels, using the same deferred-release bookkeeping tfjs uses for its own.
//
// This reaches into tfjs-backend-webgpu 4.22's backend object (pinned in package.json); assertInternals
// checks at start-up that the fields are there, so an upgrade that moves them fails loudly, not silently.
import { tf, type TensorInfo } from '../../tf.js';

interface TensorData {
  resource?: GPUBuffer | null;
  values?: unknown;
}

type UniformEntry = { type: 'float32' | 'int32' | 'uint32'; data: number[] };

/** The parts of tfjs-backend-webgpu's WebGPUBackend this file relies on. */
export interface WebgpuInternals {
  device: GPUDevice;
  tensorMap: { get(dataId: object): TensorData };
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  makeUniforms(entries: UniformEntry[]): GPUBufferBinding;
  makeTensorInfo(shape: number[], dtype: 'float32' | 'int32'): TensorInfo;
  /** Frees a tensor's buffer once the commands that use it were submitted. */
  disposeData(dataId: object): boolean;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
}

const REQUIRED = [
  'device',
  'tensorMap',
  'uploadToGPU',
  'ensureCommandEncoderReady',
  'endComputePassEncoder',
  'submitQueue',
  'makeUniforms',
  'makeTensorInfo',
  'disposeData',
  'commandEncoder',
  'computePassEncoder',
  'dispatchCountInPass',
  'commandQueueOwnedIds',
] as const;

export function assertInternals(backend: object): asserts backend is WebgpuInternals {
  const missing = REQUIRED.filter((key) => !(key in backend));
  if (missing.length > 0)
    throw new Error(
      `tfjs-backend-webgpu changed: its backend lacks ${missing.join(', ')} (the RaPTr kernels need 4.22.x)`,
    );
}

export function webgpuBackend(backend: unknown = tf.backend()): WebgpuInternals {
  assertInternals(backend as object);
  return backend as WebgpuInternals;
}

export type Scalar = `${string}: ${'u32' | 'i32' | 'f32'}`;

/** A WGSL compute kernel: named storage bindings, a uniform struct `p` of scalars, and a body. */
export interface GpuKernel {
  name: string;
  /** Read-only storage arrays, e.g. ['x: f32', 'labels: i32']. */
  inputs: readonly string[];
  /** Read-write storage arrays; may be tensors updated in place. */
  outputs: readonly string[];
  /** Fields of the uniform struct `p`, e.g. ['rows: u32', 'eps: f32']. */
  params: readonly Scalar[];
  workgroupSize: number;
  /** WGSL after the bindings: helper functions and `fn main(@builtin(...) ...)`, marked @compute. */
  body: string;
}

export function kernelSource(k: GpuKernel): string {
  const declare = (decl: string, binding: number, access: 'read' | 'read_write') => {
    const [name, type] = decl.split(':').map((s) => s.trim());
    return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: array<${type}>;`;
  };
  const lines = [
    ...k.inputs.map((d, i) => declare(d, i, 'read')),
    ...k.outputs.map((d, i) => declare(d, k.inputs.length + i, 'read_write')),
  ];
  if (k.params.length > 0) {
    lines.push(`struct Params { ${k.params.join(', ')} };`);
    lines.push(`@group(0) @binding(${k.inputs.length + k.outputs.length}) var<uniform> p: Params;`);
  }
  lines.push(`const WG: u32 = ${k.workgroupSize}u;`);
  return `${lines.join('\n')}\n${k.body}`;
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

function pipelineFor(device: GPUDevice, k: GpuKernel): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  const key = `${k.name}/${k.workgroupSize}`;
  let pipeline = cache.get(key);
  if (!pipeline) {
    const module = device.createShaderModule({ code: kernelSource(k), label: k.name });
    pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
      label: k.name,
    });
    cache.set(key, pipeline);
  }
  return pipeline;
}

function uniformType(decl: Scalar): UniformEntry['type'] {
  return decl.endsWith('f32') ? 'float32' : decl.endsWith('i32') ? 'int32' : 'uint32';
}

/** Largest workgroup count per dimension WebGPU guarantees; larger grids fold into y. */
const MAX_GROUPS = 65535;

/**
 * Records one dispatch of `k` over `groups` workgroups (folded into 2-D when above the per-dimension
 * limit: kernels compute their flat group index as wid.x + wid.y * nwg.x). Outputs are written in place:
 * pass fresh tensors from makeOutput() or existing ones to update.
 */
export function dispatch(
  b: WebgpuInternals,
  k: GpuKernel,
  inputs: readonly TensorInfo[],
  outputs: readonly TensorInfo[],
  params: readonly number[],
  groups: number,
): void {
  if (groups === 0) return;
  const all = [...inputs, ...outputs];
  for (const t of all) b.uploadToGPU(t.dataId);
  // An in-place update makes any copy tfjs cached on the CPU (after a read) stale.
  for (const t of outputs) b.tensorMap.get(t.dataId).values = null;
  const entries: GPUBindGroupEntry[] = all.map((t, binding) => ({
    binding,
    resource: { buffer: b.tensorMap.get(t.dataId).resource! },
  }));
  if (k.params.length > 0)
    entries.push({
      binding: all.length,
      resource: b.makeUniforms(k.params.map((decl, i) => ({ type: uniformType(decl), data: [params[i]!] }))),
    });
  const pipeline = pipelineFor(b.device, k);
  const bindGroup = b.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  b.ensureCommandEncoderReady();
  b.computePassEncoder ??= b.commandEncoder!.beginComputePass({});
  b.computePassEncoder.setPipeline(pipeline);
  b.computePassEncoder.setBindGroup(0, bindGroup);
  const x = Math.min(groups, MAX_GROUPS);
  b.computePassEncoder.dispatchWorkgroups(x, Math.ceil(groups / x));
  // tfjs frees a tensor's buffer only after the commands using it were submitted.
  for (const t of all) b.commandQueueOwnedIds.add(t.dataId);
  b.dispatchCountInPass++;
  if (b.dispatchCountInPass >= tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
}

/** The entry point every kernel uses; `group` is the flat workgroup index of a possibly folded grid. */
export const MAIN = `@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let group = wid.x + wid.y * nwg.x;`;

/** A fresh float32 output tensor of the backend. */
export const makeOutput = (b: WebgpuInternals, shape: readonly number[]): TensorInfo =>
  b.makeTensorInfo([...shape], 'float32');

/**
 * WGSL: `sum(v)` over the workgroup (every invocation must call it: it has barriers), with a shared
 * array of WG floats named `red`.
 */
export const WORKGROUP_SUM = `
var<workgroup> red: array<f32, WG>;
fn workgroupSum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}
fn workgroupMax(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let top = red[0];
  workgroupBarrier();
  return top;
}`;

/** Workgroups for one thread per element. */
export const groupsFor = (n: number, workgroupSize: number) => Math.ceil(n / workgroupSize);
