// Turns the ways tfjs-node-gpu fails to load into one sentence that says what is missing and what to do.
import { execFileSync } from 'node:child_process';
import { errorMessage } from '../../../../shared/error-text.js';

/** GPU names from nvidia-smi, or [] when there is no NVIDIA driver. */
export function nvidiaGpuNames(): string[] {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
  } catch {
    return [];
  }
}

export function explainGpuLoadFailure(error: unknown, gpus: string[]): string {
  const message = errorMessage(error);
  if (/Cannot find (module|package) '@tensorflow\/tfjs-node-gpu'/.test(message))
    return gpus.length > 0
      ? `found ${gpus.join(', ')} but @tensorflow/tfjs-node-gpu is not installed (its install downloads libtensorflow; run \`npm install @tensorflow/tfjs-node-gpu\` with internet access)`
      : 'no GPU package installed (@tensorflow/tfjs-node-gpu is optional; see README "GPU")';
  if (/libcudart\.so\.11|cudart64_11/.test(message))
    return 'the CUDA 11 runtime is missing: tfjs-node-gpu 4.x needs CUDA 11.2 and cuDNN 8.1 (they can sit beside a newer CUDA); see README "GPU"';
  if (/libcudnn\.so\.8|cudnn64_8/.test(message))
    return 'cuDNN 8 is missing: tfjs-node-gpu 4.x needs cuDNN 8.1 for CUDA 11.2; see README "GPU"';
  if (/tfjs_binding\.node|libtensorflow/.test(message))
    return 'tfjs-node-gpu is installed without its native library (the install-time download failed); reinstall it with internet access';
  return `tfjs-node-gpu failed to load: ${message.split('\n')[0]}`;
}
