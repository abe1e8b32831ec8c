// Checkpoint contents as they cross the MessagePort: the engine's arrays and state, checked on arrival
// (a malformed write is refused before a file is touched; a resume must match what the engine expects).
import { z } from 'zod';
import { CheckpointDraftSchema } from '../../checkpoints/state.js';
import type { CheckpointContents } from '../checkpoint-contents.js';
import { Float32ArraySchema, Int32ArraySchema } from './typed-arrays.js';

export const NamedArraySchema = z
  .strictObject({
    name: z.string().min(1),
    shape: z.array(z.number().int().min(0)),
    data: z.union([Float32ArraySchema, Int32ArraySchema]),
  })
  .refine((a) => a.shape.reduce((n, d) => n * d, 1) === a.data.length, {
    message: 'shape and data length disagree',
  });

export const CheckpointContentsSchema = z.strictObject({
  state: CheckpointDraftSchema,
  weights: z.array(NamedArraySchema),
  moments: z.array(NamedArraySchema),
});

// The schema and the engine's type describe the same thing: the compiler checks they stay in step.
const _sameShape: z.output<typeof CheckpointContentsSchema> extends CheckpointContents ? true : never = true;
void _sameShape;
