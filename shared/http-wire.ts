// JSON as the HTTP transport of the contract writes it (`raptr serve` answers and events, read by the
// browser's API client). Plain JSON has no NaN or Infinity, yet the contract carries them (a chart bucket
// whose mean is undefined, a metric that diverged) and Electron's IPC keeps them: so that both transports
// give the same answers, a non-finite number travels as {"$nonFinite": "NaN" | "Infinity" | "-Infinity"}.
const MARK = '$nonFinite';
const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

export function toWireJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'number' && !Number.isFinite(item) ? { [MARK]: String(item) } : item,
  );
}

/** JSON.parse, turning the marked objects back into numbers. Throws SyntaxError on text that is not JSON. */
export function fromWireJson(text: string): unknown {
  // Most answers carry no non-finite number: then a plain parse. A reviver is called for every value of the
  // answer, which made reading a 200-run list several times slower than parsing it.
  if (!text.includes(MARK)) return JSON.parse(text);
  return JSON.parse(text, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const keys = Object.keys(item);
    if (keys.length !== 1 || keys[0] !== MARK) return item;
    const name = (item as Record<string, unknown>)[MARK];
    return typeof name === 'string' && Object.hasOwn(NON_FINITE, name) ? NON_FINITE[name] : item;
  });
}
