// Run ids: 9 base-36 characters of milliseconds since the epoch, then 4 random ones ("m1x2k3a4b7q0z").
// Short enough to type, unique without coordination, and sorting them sorts runs by creation time, so
// "newest first" is a backwards walk of the primary key.
import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const TIME_CHARS = 9;
const RANDOM_CHARS = 4;
export const RUN_ID_PATTERN = /^[0-9a-z]{13}$/;

let lastTime = 0;

export function newRunId(now: number = Date.now()): string {
  // Two runs created in the same millisecond still sort in creation order.
  lastTime = Math.max(now, lastTime + 1);
  let random = '';
  for (let i = 0; i < RANDOM_CHARS; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return lastTime.toString(36).padStart(TIME_CHARS, '0') + random;
}
