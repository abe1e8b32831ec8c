// The backends a run may ask for, apart from the config schema: the run page's resume menu needs the list,
// and importing it from schema.ts would load zod (and the whole schema) with the run page.

/** The backends a run may ask for (training.backend, `--backend`, the run page's resume). */
export const BACKEND_REQUESTS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];
