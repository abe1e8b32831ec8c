import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../shared/config/presets.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { memoryBudget, memoryIssue, WASM_MEMORY_BYTES } from '../../src-main/runs/memory-budget.js';

const noGpu = { gpus: [], cpu: 2 };
const gpu = { gpus: ['A100'], cpu: 2 };
const GB = 1e9;

describe('memory budget', () => {
  it("is the wasm backend's 4 GiB where a run trains on wasm, else the free system memory", () => {
    const auto = mustParseRunConfig({});
    expect(memoryBudget(auto, noGpu, 64 * GB).bytes).toBe(WASM_MEMORY_BYTES);
    expect(memoryBudget(auto, noGpu, 2 * GB).bytes).toBe(2 * GB); // less free than wasm could use
    expect(memoryBudget(auto, gpu, 64 * GB).bytes).toBe(64 * GB);
    const cpu = mustParseRunConfig({ training: { backend: 'cpu' } });
    expect(memoryBudget(cpu, noGpu, 64 * GB).bytes).toBe(64 * GB);
  });

  it('lets every preset run, and refuses a model that cannot fit with both numbers', () => {
    for (const preset of PRESETS) {
      const config = mustParseRunConfig(preset.config);
      expect(memoryIssue(config, memoryBudget(config, noGpu, 8 * GB)), preset.name).toBeNull();
    }
    const big = mustParseRunConfig({ model: { layers: 64, dModel: 2048, heads: 16, ffDim: 8192 } });
    const issue = memoryIssue(big, memoryBudget(big, noGpu, 64 * GB))!;
    expect(issue.path).toBe('model');
    expect(issue.message).toMatch(
      /^the run needs about [\d.]+ GB \(parameters [\d.]+ GB, .*\) but 4\.29 GB is available \(the wasm backend's limit/,
    );
  });
});
