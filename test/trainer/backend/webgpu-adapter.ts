// Whether this machine has a WebGPU adapter for the webgpu tests (a software one is enough: Mesa's
// lavapipe). In CI a missing adapter fails the tests with what to install; elsewhere they are skipped
// with the same message.
import { errorMessage } from '../../../shared/error-text.js';
import { requestNodeAdapter } from '../../../src-main/trainer/backend/webgpu/dawn-node.js';

export const INSTALL_ADAPTER =
  'no WebGPU adapter: install a Vulkan driver; for the software adapter the tests use, Mesa 25 lavapipe ' +
  '(Debian bookworm: `apt-get install -t bookworm-backports mesa-vulkan-drivers`, as .ci/run does)';

async function probe(): Promise<string | null> {
  try {
    return (await requestNodeAdapter()) ? null : INSTALL_ADAPTER;
  } catch (error) {
    return `${INSTALL_ADAPTER} (${errorMessage(error)})`;
  }
}

/** Why the webgpu tests cannot run here, or null when they can. */
export const webgpuMissing = await probe();

/** Skip the webgpu tests outside CI when there is no adapter; in CI they run and fail with the reason. */
export const skipWebgpu = webgpuMissing !== null && process.env.CI !== 'true';

if (skipWebgpu) console.warn(`skipping the webgpu tests: ${webgpuMissing}`);

/** Call first in a webgpu test's beforeAll: in CI, no adapter fails with what to install. */
export function requireAdapter(): void {
  if (webgpuMissing) throw new Error(webgpuMissing);
}
