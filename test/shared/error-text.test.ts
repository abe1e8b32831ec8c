import { describe, expect, it } from 'vitest';
import { boundErrorText, errorMessage, MAX_ERROR_CHARS } from '../../shared/error-text.js';

describe('errorMessage', () => {
  it("gives an error's message, without its name or stack", () => {
    expect(errorMessage(new TypeError('bad input'))).toBe('bad input');
    expect(errorMessage(new Error(''))).toBe('');
  });

  it('gives anything else thrown as a string', () => {
    expect(errorMessage('disk full')).toBe('disk full');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage({ message: 'not an Error' })).toBe('[object Object]');
  });
});

describe('boundErrorText', () => {
  it('keeps a text that fits as it is', () => {
    expect(boundErrorText('disk full')).toBe('disk full');
    const exact = 'x'.repeat(MAX_ERROR_CHARS);
    expect(boundErrorText(exact)).toBe(exact);
  });

  it('keeps the beginning and the end of a long text and says how much was cut', () => {
    const text = `START ${'a'.repeat(70_000)} END`;
    const bounded = boundErrorText(text);
    expect(bounded.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    expect(bounded.startsWith('START ')).toBe(true);
    expect(bounded.endsWith(' END')).toBe(true);
    const note = /\n\[\.\.\. (\d+) characters cut \.\.\.\]\n/.exec(bounded)!;
    expect(Number(note[1])).toBe(text.length - (bounded.length - note[0].length));
  });

  it('never splits a character outside the basic plane in two', () => {
    const text = '😀'.repeat(10_000);
    for (const max of [100, 101, 102, 103]) {
      const bounded = boundErrorText(text, max);
      expect(bounded.length).toBeLessThanOrEqual(max);
      expect(bounded).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });
});
