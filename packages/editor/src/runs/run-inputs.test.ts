import { describe, expect, it } from 'vitest';
import { collectInputs, convertInput, fieldKind, initialRaw } from './run-inputs.js';

describe('run inputs', () => {
  it('gives each type its field, prefilled with the default', () => {
    expect(fieldKind({ type: 'text' })).toBe('text');
    expect(fieldKind({ type: 'number' })).toBe('number');
    expect(fieldKind({ type: 'boolean' })).toBe('boolean');
    expect(['json', 'list<text>', 'messages', 'passages', 'text | number'].map((type) => fieldKind({ type }))).toEqual([
      'json',
      'json',
      'json',
      'json',
      'json',
    ]);
    expect(initialRaw({ type: 'number', default: 3 })).toBe('3');
    expect(initialRaw({ type: 'boolean', default: true })).toBe(true);
    expect(initialRaw({ type: 'list<text>', default: ['a'] })).toBe('[\n  "a"\n]');
    expect(initialRaw({ type: 'text' })).toBe('');
  });

  it('converts field contents to typed values', () => {
    expect(convertInput({ type: 'text' }, '  keep my spaces ')).toEqual({ ok: true, value: '  keep my spaces ' });
    expect(convertInput({ type: 'number' }, '2.5')).toEqual({ ok: true, value: 2.5 });
    expect(convertInput({ type: 'boolean' }, false)).toEqual({ ok: true, value: false });
    expect(convertInput({ type: 'list<number>' }, '[1, 2]')).toEqual({ ok: true, value: [1, 2] });
    expect(convertInput({ type: 'messages' }, '[{"role": "user", "content": "hi"}]')).toEqual({
      ok: true,
      value: [{ role: 'user', content: 'hi' }],
    });
    // A union that takes text accepts a plain word without quotes.
    expect(convertInput({ type: 'text | number' }, 'hello')).toEqual({ ok: true, value: 'hello' });
    expect(convertInput({ type: 'text | number' }, '4')).toEqual({ ok: true, value: 4 });
  });

  it('refuses what the type does not allow, with the same messages as the server', () => {
    expect(convertInput({ type: 'number' }, 'abc')).toEqual({ ok: false, message: 'is not a number: "abc"' });
    expect(convertInput({ type: 'json' }, '{oops')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^is not valid JSON: /),
    });
    expect(convertInput({ type: 'list<number>' }, '[1, "two"]')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^item 1: expected a number, got/),
    });
    expect(convertInput({ type: 'passages' }, '[{"id": 1, "text": "x"}]')).toEqual({
      ok: false,
      message: 'passage 0: id must be text',
    });
  });

  it('leaves out empty optional fields, and says when a required one is empty', () => {
    const declared = {
      question: { type: 'text' },
      limit: { type: 'number', default: 5 },
      tags: { type: 'list<text>', required: false },
      strict: { type: 'boolean', default: false },
    };
    expect(collectInputs(declared, { question: 'why?', limit: '', tags: '' })).toEqual({
      values: { question: 'why?', strict: false },
      errors: {},
    });
    expect(collectInputs(declared, { tags: '["a", 3]' })).toEqual({
      values: { limit: 5, strict: false },
      errors: { question: 'is required (text)', tags: 'item 1: expected text, got number 3' },
    });
  });
});
