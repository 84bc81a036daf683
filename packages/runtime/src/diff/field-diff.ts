import { canonicalJson } from '../schema/canonical-json.js';
import { diffText, type TextDiff } from './text-diff.js';

/** A value that changed: a number, a name, a list. `before`/`after` are left out when the field was not set. */
export interface ValueChange {
  kind: 'value';
  /** Where, e.g. `config.temperature`, `config.messages[1].role`, `retry.maxAttempts`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

/** A text that changed (a template, an expression, a long description), with its word-level diff. */
export interface TextChange {
  kind: 'text';
  path: string;
  before: string;
  after: string;
  diff: TextDiff;
}

export type FieldChange = ValueChange | TextChange;

/** Fields whose strings are always compared as text: templates and expressions read best word by word. */
const TEXT_KEYS = new Set(['template', 'expression', 'description', 'system', 'content']);
/** Any string this long, or with a line break, is compared as text too. */
const LONG_STRING = 40;

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a list holds objects, which are compared item by item (chat messages); lists of values are one value. */
const isListOfRecords = (value: unknown): value is Record<string, unknown>[] =>
  Array.isArray(value) && value.length > 0 && value.every(isRecord);

/**
 * The changes between two values of a field at `path`, down to the leaves: objects key by key, lists of objects
 * item by item, strings that read as text word by word, anything else as before → after.
 */
export function diffField(path: string, before: unknown, after: unknown): FieldChange[] {
  if (sameValue(before, after)) return [];
  if (isRecord(before) && isRecord(after)) return diffRecord(path, before, after);
  if (isListOfRecords(before) && isListOfRecords(after)) {
    const changes: FieldChange[] = [];
    for (let index = 0; index < Math.max(before.length, after.length); index++) {
      changes.push(...diffField(`${path}[${index}]`, before[index], after[index]));
    }
    return changes;
  }
  if (typeof before === 'string' && typeof after === 'string' && readsAsText(path, before, after)) {
    return [{ kind: 'text', path, before, after, diff: diffText(before, after) }];
  }
  return [valueChange(path, before, after)];
}

/** The changes between two objects, key by key in a stable order (`prefix.key`). */
export function diffRecord(
  prefix: string,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.flatMap((key) => diffField(prefix ? `${prefix}.${key}` : key, before[key], after[key]));
}

function readsAsText(path: string, before: string, after: string): boolean {
  const key = path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
  if (TEXT_KEYS.has(key)) return true;
  return [before, after].some((text) => text.length > LONG_STRING || text.includes('\n'));
}

function valueChange(path: string, before: unknown, after: unknown): ValueChange {
  return {
    kind: 'value',
    path,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
  };
}
