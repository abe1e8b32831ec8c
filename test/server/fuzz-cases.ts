// Malformed requests for the server fuzz test, from a seeded generator (a failure names its seed and case,
// and the same run reproduces it). Payload cases are checked against the contract itself: a case goes out
// only if the channel's schema refuses it (or, for runs:create, the run-config schema does), so no fuzz
// case can ever create, delete or export anything by luck.
import { CHANNEL_NAMES, CHANNELS, isChannel, type Channel } from '../../shared/ipc-contract.js';
import { parseRunConfig } from '../../shared/config/validate.js';
import { Rng } from '../../shared/rng.js';
import { tinyConfig } from './helpers.js';

export interface FuzzCase {
  kind: 'payload' | 'not-json' | 'unknown-channel' | 'too-large' | 'wrong-method' | 'wrong-type';
  method: string;
  channel: string;
  contentType: string;
  body: string | undefined;
  /** The HTTP status the server must answer with; the body is always { ok: false, error } JSON. */
  status: number;
}

const ID = 'r0000fuzz';
const VALID: Record<Channel, Record<string, unknown>> = {
  'runs:list': {
    text: 'a',
    tag: 't',
    status: 'running',
    archived: false,
    limit: 5,
    offset: 0,
    columns: ['config:model.layers', 'best:eval/loss'],
  },
  'runs:columns': {},
  'runs:logs': { id: ID, afterId: 0, limit: 10 },
  'runs:bulk': { ids: [ID], action: 'tag', tag: 't' },
  'runs:get': { id: ID },
  'runs:create': { config: tinyConfig, name: 'n', tags: ['t'], notes: '', start: false, priority: 0 },
  'runs:start': { id: ID, priority: 1 },
  'runs:stop': { id: ID },
  'runs:resume': { id: ID, fromStep: 0 },
  'runs:update': { id: ID, name: 'n', tags: ['t'], notes: 'x', archived: true },
  'runs:delete': { id: ID, stop: true },
  'runs:compare': { ids: [ID], atLoss: 1, key: 'eval/loss' },
  'metrics:series': { runId: ID, keys: ['train/loss'], xAxis: 'step', range: [0, 1], buckets: 10 },
  'metrics:batch': {
    queries: [{ runId: ID, keys: ['train/loss'], xAxis: 'flops', range: [0, 1], buckets: 10 }],
  },
  'metrics:keys': { runId: ID },
  'metrics:masks': { runId: ID, last: 5 },
  'presets:list': {},
  'config:validate': { config: tinyConfig },
  'export:run': { id: ID, format: 'json', out: '/nonexistent/fuzz', checkpoint: 'latest', force: false },
  'export:download': { id: ID, format: 'csv', checkpoint: 'latest' },
  'system:info': {},
};
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

export function fuzzCases(seed: number, count: number, maxBodyBytes: number): FuzzCase[] {
  const rng = Rng.stream(seed, 'server-fuzz');
  const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)]!;
  const cases: FuzzCase[] = [];
  const base = { method: 'POST', contentType: 'application/json', status: 200 };
  while (cases.length < count) {
    const roll = rng.next();
    const channel = pick(CHANNEL_NAMES);
    if (roll < 0.6) {
      const body = malformedPayload(rng, pick, channel);
      if (body !== null) cases.push({ ...base, kind: 'payload', channel, body });
    } else if (roll < 0.72) {
      const body = notJson(rng, pick);
      if (body !== null) cases.push({ ...base, kind: 'not-json', channel, body, status: 400 });
    } else if (roll < 0.84) {
      const name = unknownChannel(rng, pick);
      if (name !== null)
        cases.push({ ...base, kind: 'unknown-channel', channel: name, body: '{}', status: 404 });
    } else if (roll < 0.9) {
      const method = pick(['GET', 'PUT', 'DELETE', 'PATCH']);
      cases.push({ ...base, kind: 'wrong-method', method, channel, body: undefined, status: 405 });
    } else if (roll < 0.995) {
      const contentType = pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        '',
      ]);
      cases.push({ ...base, kind: 'wrong-type', contentType, channel, body: '{}', status: 415 });
    } else {
      const body = `{"notes":"${'x'.repeat(maxBodyBytes + 1 + rng.int(maxBodyBytes))}"}`;
      cases.push({ ...base, kind: 'too-large', channel, body, status: 413 });
    }
  }
  return cases;
}

/** A channel's valid payload with one thing broken; null when the result is not actually malformed. */
function malformedPayload(rng: Rng, pick: <T>(items: readonly T[]) => T, channel: Channel): string | null {
  const payload: Record<string, unknown> = structuredClone(VALID[channel]);
  const fields = Object.keys(payload);
  const field = fields.length > 0 && rng.bernoulli(0.8) ? pick(fields) : null;
  let body: string;
  switch (rng.int(6)) {
    case 0: // a wrong value
      if (field === null) return null;
      payload[field] = wrongValue(rng, pick);
      body = JSON.stringify(payload);
      break;
    case 1: // a field missing
      if (field === null) return null;
      delete payload[field];
      body = JSON.stringify(payload);
      break;
    case 2: {
      // an unknown key, often one that names a prototype
      const key = rng.bernoulli(0.5) ? pick(PROTOTYPE_KEYS) : `k${rng.int(1e6)}`;
      body = JSON.stringify(payload).replace(/^\{/, `{${JSON.stringify(key)}:{"polluted":true},`);
      break;
    }
    case 3: // not an object at all
      body = JSON.stringify(pick([0, -1, 1.5, 'text', true, false, [], [payload], [[[]]]]));
      break;
    case 4: {
      // deep nesting where a value belongs (the server's parser and validator must not recurse to death)
      const depth = 1000 + rng.int(100_000);
      const deep = rng.bernoulli(0.5)
        ? '['.repeat(depth) + ']'.repeat(depth)
        : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      body = field === null ? deep : JSON.stringify(payload).replace(JSON.stringify(payload[field]), deep);
      break;
    }
    default: // a huge string where a short one belongs
      if (field === null) return null;
      payload[field] = 'y'.repeat(100_000 + rng.int(800_000));
      body = JSON.stringify(payload);
  }
  return isMalformed(channel, body) ? body : null;
}

function isMalformed(channel: Channel, body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false; // a text-level case, generated elsewhere
  }
  if (parsed === null) return false; // null means "no payload", which is valid for many channels
  const schema = CHANNELS[channel].safeParse(parsed);
  if (!schema.success) return true;
  // runs:create accepts any config at the schema level; the run-config schema must refuse it instead.
  if (channel === 'runs:create') return !parseRunConfig((schema.data as { config: unknown }).config).ok;
  return false;
}

function wrongValue(rng: Rng, pick: <T>(items: readonly T[]) => T): unknown {
  return pick([
    () => rng.int(1e9) - 5e8,
    () => rng.next(),
    () => `s${rng.int(1000)}`,
    () => '',
    () => rng.bernoulli(0.5),
    () => null,
    () => [rng.int(10), 'x', null],
    () => ({ nested: { deeper: rng.int(10) } }),
    () => '../../etc/passwd',
    () => '\u0000\uffff\ud800',
    () => -1,
    () => 1e308 * 10, // Infinity: JSON writes null
  ])();
}

function notJson(rng: Rng, pick: <T>(items: readonly T[]) => T): string | null {
  const body = pick([
    () => '{',
    () => "{'id': 'x'}",
    () => '{"id": }',
    () => 'undefined',
    () => 'NaN',
    () => '{"a":1,}',
    () => `{"id":"${rng.int(100)}"`,
    () => String.fromCharCode(...Array.from({ length: 1 + rng.int(64) }, () => 33 + rng.int(90))),
    () => '[1, 2',
    () => '\u00ff\u00fe{}',
  ])();
  try {
    JSON.parse(body);
    return null; // happened to be JSON
  } catch {
    return body.trim() === '' ? null : body;
  }
}

function unknownChannel(rng: Rng, pick: <T>(items: readonly T[]) => T): string | null {
  const name = pick([
    () => `no:such${rng.int(1000)}`,
    () => pick(PROTOTYPE_KEYS),
    () => 'RUNS:LIST',
    () => 'runs:list/extra',
    () => 'runs',
    () => '%E0%A4%A',
    () => '..%2f..%2fetc%2fpasswd',
    () => 'x'.repeat(1 + rng.int(5000)),
    () => `${pick(CHANNEL_NAMES)}%00`,
  ])();
  let decoded: string | null = null;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // undecodable: certainly no channel
  }
  return decoded !== null && isChannel(decoded) ? null : name;
}
