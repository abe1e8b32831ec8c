// What to install so that WebGPU finds a real GPU, by platform: the sentence a run shows when it trained
// without one.

export function gpuDriverHint(platform: string = globalThis.process?.platform ?? 'browser'): string {
  switch (platform) {
    case 'linux':
      return "for a GPU, install its Vulkan driver (AMD, Intel: Mesa's mesa-vulkan-drivers; NVIDIA: the proprietary driver, which ships its Vulkan ICD) and check with `vulkaninfo --summary`";
    case 'win32':
      return 'for a GPU, install the vendor\'s current driver (WebGPU uses Direct3D 12; "Microsoft Basic Render Driver" means none is installed)';
    case 'darwin':
      return 'WebGPU uses Metal, which every Mac since 2012 has; no Metal device was visible to this process';
    default:
      return 'for a GPU, install a driver that provides Vulkan, Direct3D 12 or Metal';
  }
}
