// system:info: the app, the CPU, the GPUs nvidia-smi sees, and what each TensorFlow.js backend would
// do here. Backends are probed in a short-lived trainer process (main never loads TensorFlow), once.
import { cpus, availableParallelism, platform } from 'node:os';
import type { SystemInfo } from '../../shared/api-types.js';
import type { TrainerHost } from '../runs/trainer-host.js';
import { forkTrainer } from '../runs/fork-host.js';
import type { SlotLimits } from '../runs/slots.js';
import { nvidiaGpuNames } from '../trainer/backend/tensorflow/gpu-hints.js';
import { APP_VERSION } from '../version.js';

export interface SystemInfoSource {
  databasePath: string;
  slots: SlotLimits;
  electronVersion: string | null;
  launch?: () => TrainerHost;
}

let probed: Promise<SystemInfo['backends']> | null = null;

function probeBackends(launch: () => TrainerHost): Promise<SystemInfo['backends']> {
  return new Promise((resolve) => {
    const host = launch();
    let answered = false;
    host.onMessage((message) => {
      if (message.type !== 'probe') return;
      answered = true;
      resolve(message.backends);
    });
    host.onExit(() => {
      if (!answered)
        resolve([
          {
            name: 'cpu',
            available: true,
            detail: `probe failed: ${host.stderrTail().trim().split('\n').at(-1) ?? 'no output'}`,
          },
        ]);
    });
    host.send({ type: 'probe' });
  });
}

export async function systemInfo(source: SystemInfoSource): Promise<SystemInfo> {
  probed ??= probeBackends(source.launch ?? (() => forkTrainer()));
  return {
    app: {
      version: APP_VERSION,
      node: process.versions.node,
      electron: source.electronVersion,
      platform: platform(),
    },
    cpu: { model: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism() },
    gpus: nvidiaGpuNames(),
    backends: await probed,
    slots: { gpu: source.slots.gpus.length, cpu: source.slots.cpu },
    database: source.databasePath,
  };
}
