import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Coercion,
  checkConnection,
  checkValue,
  coerceValue,
  formatPortType,
  listOf,
  type PortType,
  PortTypeError,
  PRIMITIVE_PORT_KINDS,
  parsePortType,
  primitive,
  samePortType,
} from './port-types.js';

const text = primitive('text');
const number = primitive('number');
const boolean = primitive('boolean');
const messages = primitive('messages');
const union = (...options: PortType[]): PortType => ({ kind: 'union', options });

/** The error a bad port type gives, so each test can look at its class and wording. */
function parseError(source: string): PortTypeError {
  try {
    parsePortType(source);
  } catch (error) {
    if (error instanceof PortTypeError) return error;
    throw error;
  }
  throw new Error(`"${source}" parsed, but a PortTypeError was expected`);
}

describe('parsePortType', () => {
  it.each(PRIMITIVE_PORT_KINDS)('reads the primitive type %s', (kind) => {
    expect(parsePortType(kind)).toEqual({ kind });
  });

  it('reads lists, nested lists and lists of unions', () => {
    expect(parsePortType('list<text>')).toEqual(listOf(text));
    expect(parsePortType('list<list<text>>')).toEqual(listOf(listOf(text)));
    expect(parsePortType('list<list<list<passages>>>')).toEqual(listOf(listOf(listOf(primitive('passages')))));
    expect(parsePortType('list<text | number>')).toEqual(listOf(union(text, number)));
  });

  it('reads unions in source order, with lists among the options', () => {
    expect(parsePortType('text | messages')).toEqual(union(text, messages));
    expect(parsePortType('list<number> | text | boolean')).toEqual(union(listOf(number), text, boolean));
  });

  it('ignores spaces around words, bars and angle brackets', () => {
    expect(parsePortType('text|messages')).toEqual(union(text, messages));
    expect(parsePortType('  list < list< text >  >  ')).toEqual(listOf(listOf(text)));
    expect(parsePortType(' list <text|number> | boolean ')).toEqual(union(listOf(union(text, number)), boolean));
  });

  it('names an unknown word and lists the types it knows', () => {
    const error = parseError('strin');
    expect(error.name).toBe('PortTypeError');
    expect(error.message).toBe(
      'unknown port type "strin" in "strin"; expected one of text, number, boolean, json, messages, passages, any, list<T> or A | B',
    );
    expect(parseError('list<texts>').message).toMatch(/^unknown port type "texts" in "list<texts>"/);
    expect(parseError('text | numbr').message).toMatch(/^unknown port type "numbr" in "text \| numbr"/);
  });

  it('says when nothing is written where a type belongs', () => {
    expect(parseError('').message).toMatch(/^unknown port type "nothing" in ""/);
    expect(parseError('text |').message).toMatch(/^unknown port type "nothing" in "text \|"/);
    expect(parseError('| text').message).toMatch(/^unknown port type "\|" in "\| text"/);
    expect(parseError('list<>').message).toMatch(/^unknown port type ">" in "list<>"/);
  });

  it('explains a list without an item type or without its closing bracket', () => {
    expect(parseError('list').message).toBe('port type "list": list needs an item type, as in list<text>');
    expect(parseError('list text').message).toBe('port type "list text": list needs an item type, as in list<text>');
    expect(parseError('list<text').message).toBe('port type "list<text": missing ">" after list<...');
    expect(parseError('list<list<text>').message).toBe('port type "list<list<text>": missing ">" after list<...');
  });

  it('refuses what follows a complete type', () => {
    expect(parseError('text number').message).toMatch(
      /^unexpected "number" in port type "text number"; expected one of/,
    );
    expect(parseError('list<text>>').message).toMatch(/^unexpected ">" in port type "list<text>>"/);
    expect(parseError('text,number').message).toMatch(/^unexpected ",number" in port type "text,number"/);
  });
});

describe('formatPortType', () => {
  it.each([
    ['text', 'text'],
    ['list<list<text>>', 'list<list<text>>'],
    ['text|messages', 'text | messages'],
    [' list < text|number >  ', 'list<text | number>'],
    ['list<list<text|number>|boolean>', 'list<list<text | number> | boolean>'],
  ])('writes %j as %j, which parses back to the same type', (source, canonical) => {
    const type = parsePortType(source);
    expect(formatPortType(type)).toBe(canonical);
    expect(parsePortType(canonical)).toEqual(type);
  });

  it('round-trips any type tree through its text form', () => {
    // Unions are flat in the grammar (`a | b | c`), so a union's options are generated without unions in them.
    const { type } = fc.letrec<{ type: PortType; single: PortType }>((tie) => ({
      type: fc.oneof(
        { depthSize: 'small' },
        tie('single'),
        fc
          .array(tie('single'), { minLength: 2, maxLength: 4 })
          .map((options): PortType => ({ kind: 'union', options })),
      ),
      single: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom(...PRIMITIVE_PORT_KINDS).map(primitive),
        tie('type').map(listOf),
      ),
    }));
    fc.assert(
      fc.property(type, (generated) => {
        const written = formatPortType(generated);
        expect(parsePortType(written)).toEqual(generated);
        expect(parsePortType(written.replaceAll(' ', ''))).toEqual(generated);
      }),
      { numRuns: 200 },
    );
  });

  it('compares types by their structure (samePortType)', () => {
    expect(samePortType(parsePortType('list<text|number>'), listOf(union(text, number)))).toBe(true);
    expect(samePortType(parsePortType('text | number'), parsePortType('number | text'))).toBe(false);
    expect(samePortType(listOf(text), listOf(listOf(text)))).toBe(false);
  });
});

describe('checkConnection', () => {
  const connect = (from: string, to: string) => checkConnection(parsePortType(from), parsePortType(to));
  const accepts = (from: string, to: string, coercion: Coercion) =>
    expect(connect(from, to), `${from} -> ${to}`).toEqual({ ok: true, coercion });

  it.each([
    'text',
    'number',
    'boolean',
    'json',
    'messages',
    'passages',
    'any',
    'list<text>',
    'list<list<number>>',
    'text | messages',
  ])('passes %s to the same type unchanged', (type) => {
    accepts(type, type, 'none');
  });

  it.each(['text', 'number', 'messages', 'passages', 'list<list<text>>', 'text | number'])(
    'passes %s into json and any unchanged',
    (type) => {
      accepts(type, 'json', 'none');
      accepts(type, 'any', 'none');
    },
  );

  it.each(['text', 'number', 'boolean', 'messages', 'passages', 'list<text>', 'text | messages'])(
    'checks values from json or any at run time before they enter %s',
    (type) => {
      accepts('json', type, 'check');
      accepts('any', type, 'check');
    },
  );

  it('converts numbers and true/false into text', () => {
    accepts('number', 'text', 'to-text');
    accepts('boolean', 'text', 'to-text');
  });

  it('wraps text into chat messages', () => {
    accepts('text', 'messages', 'to-messages');
  });

  it('connects lists by their items', () => {
    accepts('list<text>', 'list<text>', 'none');
    accepts('list<text>', 'list<json>', 'none');
    accepts('list<list<text>>', 'list<list<any>>', 'none');
    accepts('list<json>', 'list<text>', 'check');
    accepts('list<any>', 'list<list<number>>', 'check');
  });

  it('takes a union target through its best option, an exact match before a conversion', () => {
    accepts('text', 'text | messages', 'none');
    accepts('messages', 'text | messages', 'none');
    accepts('number', 'text | messages', 'to-text');
    accepts('text', 'messages | text', 'none');
  });

  it('takes a union source only when every option fits the target', () => {
    accepts('text | messages', 'text | messages', 'none');
    accepts('text | number', 'json', 'none');
    accepts('text | json', 'text', 'check');
    expect(connect('text | messages', 'text')).toEqual({ ok: false, reason: 'text | messages cannot connect to text' });
    expect(connect('text | list<text>', 'text')).toEqual({
      ok: false,
      reason: 'text | list<text> cannot connect to text',
    });
  });

  it.each([
    ['text', 'number'],
    ['text', 'boolean'],
    ['number', 'boolean'],
    ['messages', 'text'],
    ['passages', 'text'],
    ['passages', 'messages'],
    ['list<text>', 'text'],
    ['text', 'list<text>'],
    ['list<text>', 'list<number>'],
    ['list<list<text>>', 'list<text>'],
    ['number', 'messages'],
    ['list<text>', 'text | messages'],
  ])('refuses %s -> %s and names both types', (from, to) => {
    expect(connect(from, to)).toEqual({ ok: false, reason: `${from} cannot connect to ${to}` });
  });
});

describe('coerceValue', () => {
  it('passes a value through unchanged without a coercion', () => {
    const value = { nested: [1, 2] };
    expect(coerceValue(value, 'none', primitive('json'))).toBe(value);
  });

  it('writes numbers and true/false as text', () => {
    expect(coerceValue(3, 'to-text', text)).toBe('3');
    expect(coerceValue(0.5, 'to-text', text)).toBe('0.5');
    expect(coerceValue(false, 'to-text', text)).toBe('false');
  });

  it('makes text one user message', () => {
    expect(coerceValue('Why is the sky blue?', 'to-messages', messages)).toEqual([
      { role: 'user', content: 'Why is the sky blue?' },
    ]);
  });

  it('checks a value at run time and returns it when it fits', () => {
    const value = [{ id: 'doc-1', text: 'Rayleigh scattering' }];
    expect(coerceValue(value, 'check', primitive('passages'))).toBe(value);
    expect(coerceValue(['a', 'b'], 'check', listOf(text))).toEqual(['a', 'b']);
  });

  it('throws a PortTypeError that says what was expected and what came', () => {
    expect(() => coerceValue('seven', 'check', number)).toThrow(PortTypeError);
    expect(() => coerceValue('seven', 'check', number)).toThrow('expected a number, got text "seven"');
    expect(() => coerceValue(['a', 2], 'check', listOf(text))).toThrow('item 1: expected text, got number 2');
  });
});

describe('checkValue', () => {
  it('takes anything but nothing for any', () => {
    expect(checkValue(null, primitive('any'))).toBeUndefined();
    expect(checkValue({ a: 1 }, primitive('any'))).toBeUndefined();
    expect(checkValue(undefined, primitive('any'))).toBe('expected a value, got nothing');
  });

  it('takes JSON data for json, at any depth', () => {
    const json = primitive('json');
    expect(checkValue({ a: [1, { b: null, c: 'x', d: true }] }, json)).toBeUndefined();
    expect(checkValue(null, json)).toBeUndefined();
    expect(checkValue(undefined, json)).toBe('expected JSON data, got nothing');
    expect(checkValue(Number.NaN, json)).toBe('expected JSON data, got number NaN');
    expect(checkValue({ a: [1, () => 2] }, json)).toBe('expected JSON data, got an object');
    expect(checkValue([1, Number.POSITIVE_INFINITY], json)).toBe('expected JSON data, got a list');
  });

  it('takes only strings for text', () => {
    expect(checkValue('', text)).toBeUndefined();
    expect(checkValue(42, text)).toBe('expected text, got number 42');
    expect(checkValue(null, text)).toBe('expected text, got null');
    expect(checkValue(['a'], text)).toBe('expected text, got a list');
  });

  it('shortens long text in its messages', () => {
    const long = 'x'.repeat(60);
    expect(checkValue(long, number)).toBe(`expected a number, got text "${'x'.repeat(37)}..."`);
  });

  it('takes only finite numbers for number', () => {
    expect(checkValue(-1.5, number)).toBeUndefined();
    expect(checkValue('1', number)).toBe('expected a number, got text "1"');
    expect(checkValue(Number.POSITIVE_INFINITY, number)).toBe('expected a number, got number Infinity');
    expect(checkValue(Number.NaN, number)).toBe('expected a number, got number NaN');
  });

  it('takes only true and false for boolean', () => {
    expect(checkValue(false, boolean)).toBeUndefined();
    expect(checkValue('true', boolean)).toBe('expected true or false, got text "true"');
    expect(checkValue(0, boolean)).toBe('expected true or false, got number 0');
  });

  it('takes a list of {role, content} with a known role for messages', () => {
    expect(
      checkValue(
        [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          { role: 'tool', content: '{}' },
        ],
        messages,
      ),
    ).toBeUndefined();
    expect(checkValue([], messages)).toBeUndefined();
    expect(checkValue('Hi', messages)).toBe('expected chat messages (a list of {role, content}), got text "Hi"');
    expect(checkValue([{ role: 'user', content: 'a' }, null], messages)).toBe('message 1: expected {role, content}');
    expect(checkValue([{ role: 'bot', content: 'a' }], messages)).toBe(
      'message 0: role must be one of system, user, assistant, tool',
    );
    expect(checkValue([{ content: 'a' }], messages)).toBe(
      'message 0: role must be one of system, user, assistant, tool',
    );
    expect(checkValue([{ role: 'user', content: ['a'] }], messages)).toBe('message 0: content must be text');
  });

  it('takes a list of {id, text} for passages', () => {
    const passages = primitive('passages');
    expect(checkValue([{ id: 'a', text: 'one', score: 0.9 }], passages)).toBeUndefined();
    expect(checkValue({ id: 'a', text: 'one' }, passages)).toBe(
      'expected passages (a list of {id, text}), got an object',
    );
    expect(checkValue(['one'], passages)).toBe('passage 0: expected {id, text}');
    expect(checkValue([{ id: 7, text: 'one' }], passages)).toBe('passage 0: id must be text');
    expect(checkValue([{ id: 'a', text: 'one' }, { id: 'b' }], passages)).toBe('passage 1: text must be text');
  });

  it('checks every item of a list and names the first bad one, through nested lists', () => {
    const nested = parsePortType('list<list<text>>');
    expect(checkValue([], nested)).toBeUndefined();
    expect(checkValue([['a'], [], ['b', 'c']], nested)).toBeUndefined();
    expect(checkValue([['a'], ['b', 2]], nested)).toBe('item 1: item 1: expected text, got number 2');
    expect(checkValue(['a'], nested)).toBe('item 0: expected a list, got text "a"');
    expect(checkValue('a', nested)).toBe('expected a list, got text "a"');
  });

  it('takes a value that fits any option of a union, and names the union otherwise', () => {
    const textOrNumbers = parsePortType('text | list<number>');
    expect(checkValue('a', textOrNumbers)).toBeUndefined();
    expect(checkValue([1, 2], textOrNumbers)).toBeUndefined();
    expect(checkValue([1, 'a'], textOrNumbers)).toBe('expected text | list<number>, got a list');
    expect(checkValue(true, textOrNumbers)).toBe('expected text | list<number>, got boolean true');
  });
});

describe('conversions inside lists and unions', () => {
  const type = parsePortType;

  it('converts list items and union options instead of only checking them', () => {
    expect(checkConnection(type('list<number>'), type('list<text>'))).toEqual({ ok: true, coercion: 'convert' });
    expect(checkConnection(type('text | number'), type('text'))).toEqual({ ok: true, coercion: 'convert' });
    expect(checkConnection(type('list<text>'), type('list<messages>'))).toEqual({ ok: true, coercion: 'convert' });
    expect(coerceValue([1, 2.5], 'convert', type('list<text>'), type('list<number>'))).toEqual(['1', '2.5']);
    expect(coerceValue(7, 'convert', type('text'), type('text | number'))).toBe('7');
    expect(coerceValue('seven', 'convert', type('text'), type('text | number'))).toBe('seven');
    expect(coerceValue(['hi'], 'convert', type('list<messages>'), type('list<text>'))).toEqual([
      [{ role: 'user', content: 'hi' }],
    ]);
    expect(coerceValue([[true]], 'convert', type('list<list<text>>'), type('list<list<boolean>>'))).toEqual([['true']]);
  });

  it('names the item that does not fit', () => {
    expect(() => coerceValue([1, null], 'convert', type('list<text>'), type('list<text | number>'))).toThrow(
      'item 1: expected text | number, got null',
    );
    expect(() => coerceValue(null, 'convert', type('text'), type('text | number'))).toThrow(
      'expected text | number, got null',
    );
  });

  it('says port types are lower case', () => {
    expect(() => parsePortType('Text')).toThrow(
      'unknown port type "Text" in "Text": port types are lower case ("text")',
    );
    expect(() => parsePortType('List<text>')).toThrow('port types are lower case ("list")');
  });

  it('does not take a Date or a Map for JSON', () => {
    expect(checkValue(new Date(0), type('json'))).toBe('expected JSON data, got an object');
    expect(checkValue({ when: new Map() }, type('json'))).toBe('expected JSON data, got an object');
    expect(checkValue(Object.create(null), type('json'))).toBeUndefined();
  });
});
