import type { AnyNodeType } from '@groundwork/runtime/node-types';

/** The part of JSON Schema that zod's `toJSONSchema` emits for node configs. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  pattern?: string;
}

interface FieldBase {
  name: string;
  label: string;
  required: boolean;
  /** From the schema's `description`, when the node type gives one. */
  description?: string;
  /** The schema's default, shown as a placeholder (the runtime applies it when the field is left out). */
  default?: unknown;
}

export type ConfigField =
  | (FieldBase & { kind: 'text'; multiline: boolean; pattern?: string; minLength?: number })
  | (FieldBase & {
      kind: 'number';
      integer: boolean;
      min?: number;
      max?: number;
      /** The bounds themselves are refused (`topP > 0`). */
      minExclusive?: boolean;
      maxExclusive?: boolean;
    })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'enum'; options: string[] })
  | (FieldBase & { kind: 'string-list'; minItems?: number; maxItems?: number; pattern?: string })
  | (FieldBase & { kind: 'json' })
  /** A port type written in the flow grammar (`list<text>`): the type picker the flow settings use. */
  | (FieldBase & { kind: 'port-type' })
  /** The name of a declared flow input or output (input and output nodes): a select of the declared names. */
  | (FieldBase & { kind: 'flow-input' | 'flow-output' });

export type ConfigFieldKind = ConfigField['kind'];

/** Fields whose text is code or prose that spans lines: a monospace textarea instead of a one-line input. */
const MULTILINE_FIELDS = new Set(['template', 'expression', 'system']);

/**
 * Fields whose meaning the JSON Schema cannot carry (to the schema they are plain strings), keyed `type.field`.
 * Everything else is derived from the schema alone, so a new node type gets a form without editor changes.
 */
const WIDGETS: Readonly<Record<string, ConfigFieldKind>> = {
  'transform.type': 'port-type',
  'input.name': 'flow-input',
  'output.name': 'flow-output',
};

/** zod writes safe-integer bounds for `z.int()`; they are not limits anyone chose, so they are not shown. */
const boundOrUndefined = (value: number | undefined) =>
  value !== undefined && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined;

/** `maxTokens` → `Max tokens`. */
export function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** One field of the form for one property of the config's JSON Schema. */
export function fieldOf(name: string, schema: JsonSchema, required: boolean): ConfigField {
  const base: FieldBase = {
    name,
    label: labelOf(name),
    required,
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema.default !== undefined ? { default: schema.default } : {}),
  };
  const types = typesOf(schema);
  const [type] = types;
  // Unions, `unknown`, nullable types and nested objects have no simple widget: they are edited as JSON.
  if (types.length !== 1 || schema.anyOf || schema.oneOf || schema.allOf) return { ...base, kind: 'json' };
  if (schema.enum?.every((option) => typeof option === 'string')) {
    return { ...base, kind: 'enum', options: schema.enum as string[] };
  }
  switch (type) {
    case 'string':
      return {
        ...base,
        kind: 'text',
        multiline: MULTILINE_FIELDS.has(name),
        ...(schema.pattern ? { pattern: schema.pattern } : {}),
        ...(schema.minLength !== undefined ? { minLength: schema.minLength } : {}),
      };
    case 'number':
    case 'integer': {
      const min = boundOrUndefined(schema.minimum ?? schema.exclusiveMinimum);
      const max = boundOrUndefined(schema.maximum ?? schema.exclusiveMaximum);
      return {
        ...base,
        kind: 'number',
        integer: type === 'integer',
        ...(min !== undefined ? { min, ...(schema.exclusiveMinimum !== undefined ? { minExclusive: true } : {}) } : {}),
        ...(max !== undefined ? { max, ...(schema.exclusiveMaximum !== undefined ? { maxExclusive: true } : {}) } : {}),
      };
    }
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'array': {
      const item = schema.items;
      if (item && typesOf(item).length === 1 && typesOf(item)[0] === 'string' && !item.enum && !item.anyOf) {
        return {
          ...base,
          kind: 'string-list',
          ...(schema.minItems !== undefined ? { minItems: schema.minItems } : {}),
          ...(schema.maxItems !== undefined ? { maxItems: schema.maxItems } : {}),
          ...(item.pattern ? { pattern: item.pattern } : {}),
        };
      }
      return { ...base, kind: 'json' };
    }
    default:
      return { ...base, kind: 'json' };
  }
}

/** The form's fields for a config JSON Schema, in the schema's property order; `nodeType` picks special widgets. */
export function fieldsFromJsonSchema(schema: JsonSchema, nodeType?: string): ConfigField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const field = fieldOf(name, property, required.has(name));
    const widget = nodeType !== undefined ? WIDGETS[`${nodeType}.${name}`] : undefined;
    if (!widget || field.kind !== 'text') return field;
    const { multiline: _multiline, pattern: _pattern, minLength: _minLength, ...rest } = field;
    return { ...rest, kind: widget } as ConfigField;
  });
}

/** The config JSON Schema of a node type: what the config accepts as written (`io: 'input'`: defaults optional). */
export function configJsonSchema(nodeType: AnyNodeType): JsonSchema {
  return nodeType.configSchema.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

const cache = new WeakMap<AnyNodeType, ConfigField[]>();

/** The form's fields for a node type's config; computed once per type. */
export function configFields(nodeType: AnyNodeType): ConfigField[] {
  let fields = cache.get(nodeType);
  if (!fields) {
    fields = fieldsFromJsonSchema(configJsonSchema(nodeType), nodeType.type);
    cache.set(nodeType, fields);
  }
  return fields;
}

/** The accepted range of a number field in words (`between 0 and 5`), for the help line; undefined when unbounded. */
export function rangeText(field: Extract<ConfigField, { kind: 'number' }>): string | undefined {
  const { min, max } = field;
  const low = min === undefined ? undefined : `${field.minExclusive ? 'more than' : 'at least'} ${min}`;
  const high = max === undefined ? undefined : `${field.maxExclusive ? 'less than' : 'at most'} ${max}`;
  const kind = field.integer ? 'a whole number' : 'a number';
  if (low === undefined && high === undefined) return field.integer ? kind : undefined;
  return `${kind}, ${[low, high].filter(Boolean).join(', ')}`;
}

export function withinRange(field: Extract<ConfigField, { kind: 'number' }>, value: number): boolean {
  if (field.integer && !Number.isInteger(value)) return false;
  if (field.min !== undefined && (field.minExclusive ? value <= field.min : value < field.min)) return false;
  if (field.max !== undefined && (field.maxExclusive ? value >= field.max : value > field.max)) return false;
  return true;
}

/** What a field starts with when a variant begins to override it and the shared config has no value. */
export function initialValue(field: ConfigField): unknown {
  if (field.default !== undefined) return structuredClone(field.default);
  switch (field.kind) {
    case 'number':
      // 1 suits most unset sampling parameters (top-k, top-p, repetition penalty); else the nearest bound.
      return [1, 0, field.min, field.max].find((value) => value !== undefined && withinRange(field, value));
    case 'boolean':
      return false;
    case 'enum':
      return field.options[0];
    case 'string-list':
      return [];
    case 'json':
      return {};
    default:
      return '';
  }
}
