/// <reference types="@webgpu/types" />
// What a WebGPU adapter is (vendor, architecture, description, software or not) and the buffer limits the
// backend asks its device for. No Node imports: the same code serves Dawn in Node and navigator.gpu in a
// browser renderer.

export interface AdapterFacts {
  vendor: string;
  architecture: string;
  description: string;
  /** A CPU rasterizer (lavapipe, llvmpipe, SwiftShader, WARP) or one the browser marks as a fallback. */
  software: boolean;
  /** Largest storage buffer one kernel may bind, in bytes: the largest tensor the backend can use. */
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software|microsoft basic render|\bwarp\b/i;

interface AdapterWithFallbackFlag {
  isFallbackAdapter?: boolean;
  info: GPUAdapterInfo & { isFallbackAdapter?: boolean };
  limits: GPUSupportedLimits;
}

export function describeAdapter(adapter: GPUAdapter): AdapterFacts {
  const a = adapter as unknown as AdapterWithFallbackFlag;
  const { vendor, architecture, device, description } = a.info;
  const named = `${vendor} ${architecture} ${device} ${description}`;
  return {
    vendor,
    architecture,
    description: description || device || 'unnamed adapter',
    software:
      a.isFallbackAdapter === true ||
      a.info.isFallbackAdapter === true ||
      architecture === 'software' ||
      SOFTWARE.test(named),
    maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize,
    maxBufferSize: a.limits.maxBufferSize,
  };
}

/**
 * "GPU (WebGPU) · NVIDIA · ampere · NVIDIA GeForce RTX 3090" as the run page shows it; `via` names the
 * WebGPU implementation when it is not Dawn in this process ("Chromium" for the desktop app's GPU renderer).
 */
export function adapterLabel(facts: AdapterFacts, via?: string): string {
  const parts = [facts.vendor, facts.architecture, facts.description].filter((p) => p !== '');
  const notes = [facts.software ? 'software' : null, via ?? null].filter((n) => n !== null);
  return `GPU (WebGPU${notes.map((n) => `, ${n}`).join('')}) · ${[...new Set(parts)].join(' · ')}`;
}

/** The device descriptor: the adapter's own maxima for what training needs (big buffers, many bindings). */
export function deviceDescriptor(adapter: GPUAdapter): GPUDeviceDescriptor {
  const l = adapter.limits;
  return {
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  };
}
