// @vitest-environment jsdom
import { BUILTIN_NODE_TYPES, defaultRegistry } from '@groundwork/runtime/node-types';
import { describe, expect, it } from 'vitest';
import {
  type ConfigField,
  configFields,
  fieldsFromJsonSchema,
  initialValue,
  labelOf,
  rangeText,
  withinRange,
} from './schema-fields.js';

/** The fields of a built-in type by name, with only the properties a test names compared. */
function fieldsOf(type: string): Record<string, ConfigField> {
  const nodeType = defaultRegistry().get(type);
  if (!nodeType) throw new Error(`no node type ${type}`);
  return Object.fromEntries(configFields(nodeType).map((field) => [field.name, field]));
}

const IDENTIFIER = '^[A-Za-z_][A-Za-z0-9_-]*$';

/** What every built-in type's config becomes in the form; one entry per type, in palette order. */
const EXPECTED: Record<string, Record<string, Partial<ConfigField>>> = {
  input: { name: { kind: 'flow-input', required: true } },
  output: { name: { kind: 'flow-output', required: true } },
  prompt: {
    template: { kind: 'text', multiline: true, required: false },
    messages: { kind: 'json', required: false },
  },
  llm: {
    model: { kind: 'text', multiline: false, required: false, minLength: 1 },
    maxTokens: { kind: 'number', integer: true, min: 1, max: 131_072, default: 256, required: false },
    temperature: { kind: 'number', integer: false, min: 0, max: 5, default: 0 },
    topK: { kind: 'number', integer: true, min: 1, max: undefined },
    topP: { kind: 'number', integer: false, min: 0, minExclusive: true, max: 1 },
    repetitionPenalty: { kind: 'number', min: 0, minExclusive: true, max: 10 },
    seed: { kind: 'number', integer: true, min: undefined, max: undefined },
    stop: { kind: 'string-list', maxItems: 16, required: false },
    useChatTemplate: { kind: 'boolean', required: false },
  },
  condition: { expression: { kind: 'text', multiline: true, required: true } },
  switch: {
    expression: { kind: 'text', multiline: true, required: true },
    cases: { kind: 'string-list', minItems: 1, pattern: IDENTIFIER, required: true },
  },
  merge: { ports: { kind: 'string-list', default: ['a', 'b'], minItems: 1, pattern: IDENTIFIER, required: false } },
  collect: { ports: { kind: 'string-list', default: ['a', 'b'], minItems: 1, pattern: IDENTIFIER, required: false } },
  map: {
    flow: { kind: 'json', required: true },
    item: { kind: 'text', multiline: false, pattern: IDENTIFIER, required: false },
    concurrency: { kind: 'number', integer: true, min: 1, max: 1024, default: 8 },
  },
  transform: {
    expression: { kind: 'text', multiline: true, required: true },
    type: { kind: 'port-type', default: 'json', required: false },
  },
  subflow: { flow: { kind: 'json', required: true } },
  retrieve: {
    collection: { kind: 'text', multiline: false, minLength: 1, required: true },
    topK: { kind: 'number', integer: true, min: 1, max: 100, default: 5, required: false },
    sources: { kind: 'string-list', required: false },
    mode: { kind: 'enum', options: ['hybrid', 'keyword', 'vector'], default: 'hybrid', required: false },
    vectorWeight: { kind: 'number', integer: false, min: 0, max: 1, default: 0.5, required: false },
  },
  groundedness: {
    scorer: { kind: 'enum', options: ['default', 'llm', 'nli'], default: 'default', required: false },
    model: { kind: 'text', multiline: false, minLength: 1, required: false },
    threshold: { kind: 'number', integer: false, min: 0, max: 1, required: false },
  },
};

describe('config fields of the built-in node types', () => {
  it('covers every built-in node type', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(BUILTIN_NODE_TYPES.map((type) => type.type).sort());
  });

  for (const [type, expected] of Object.entries(EXPECTED)) {
    it(`maps ${type}'s config schema to its fields`, () => {
      const fields = fieldsOf(type);
      // Exactly the schema's properties, in its order, no more.
      expect(Object.keys(fields)).toEqual(Object.keys(expected));
      for (const [name, properties] of Object.entries(expected)) {
        for (const [key, value] of Object.entries(properties)) {
          expect({ field: name, [key]: fields[name]![key as keyof ConfigField] }).toEqual({
            field: name,
            [key]: value,
          });
        }
      }
    });
  }

  it('labels fields in words', () => {
    expect(fieldsOf('llm').maxTokens!.label).toBe('Max tokens');
    expect(labelOf('repetitionPenalty')).toBe('Repetition penalty');
    expect(labelOf('use_chat-template')).toBe('Use chat template');
  });
});

describe('fieldsFromJsonSchema', () => {
  it('maps enums to a select, and descriptions to help', () => {
    const [field] = fieldsFromJsonSchema({
      type: 'object',
      properties: { role: { type: 'string', enum: ['system', 'user'], description: 'who speaks' } },
      required: ['role'],
    });
    expect(field).toMatchObject({
      kind: 'enum',
      options: ['system', 'user'],
      description: 'who speaks',
      required: true,
    });
  });

  it('edits what has no simple widget as JSON: objects, unions, nullables, lists of objects, unknown', () => {
    const fields = fieldsFromJsonSchema({
      type: 'object',
      properties: {
        object: { type: 'object', properties: {} },
        union: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        nullable: { type: ['string', 'null'] },
        objects: { type: 'array', items: { type: 'object' } },
        unknown: {},
      },
    });
    expect(fields.map((field) => field.kind)).toEqual(['json', 'json', 'json', 'json', 'json']);
  });

  it('applies a special widget only for its node type', () => {
    const schema = { type: 'object', properties: { type: { type: 'string' } } };
    expect(fieldsFromJsonSchema(schema, 'transform')[0]!.kind).toBe('port-type');
    expect(fieldsFromJsonSchema(schema, 'other')[0]!.kind).toBe('text');
  });
});

describe('number fields', () => {
  const fields = fieldsOf('llm');
  const topP = fields.topP as Extract<ConfigField, { kind: 'number' }>;
  const maxTokens = fields.maxTokens as Extract<ConfigField, { kind: 'number' }>;

  it('describe their range', () => {
    expect(rangeText(topP)).toBe('a number, more than 0, at most 1');
    expect(rangeText(maxTokens)).toBe('a whole number, at least 1, at most 131072');
  });

  it('check their range, exclusive bounds and whole numbers', () => {
    expect(withinRange(topP, 0)).toBe(false);
    expect(withinRange(topP, 0.5)).toBe(true);
    expect(withinRange(maxTokens, 1.5)).toBe(false);
    expect(withinRange(maxTokens, 0)).toBe(false);
  });

  it('start an override at the default, else at a value within range', () => {
    expect(initialValue(maxTokens)).toBe(256);
    expect(initialValue(topP)).toBe(1);
    expect(initialValue(fields.stop!)).toEqual([]);
    expect(initialValue(fields.useChatTemplate!)).toBe(false);
  });
});
