// The reproduction studies `npm run repro -- STUDY` runs (docs/results/STUDY.md).
import { bertMini } from './bert-mini.js';
import { flopsAccounting } from './flops-accounting.js';
import { polynomial } from './polynomial.js';
import { stability } from './stability.js';
import type { Study } from './study.js';
import { transitions } from './transitions.js';

export const STUDIES: readonly Study[] = [flopsAccounting, polynomial, bertMini, transitions, stability];

export { runStudy } from './runner.js';
export type { Study } from './study.js';
