import { ProblemList } from './dataset-error.js';

export type DatasetRow = Record<string, unknown>;

/** JSON Lines: one object per line; blank lines are skipped. Every bad line is reported, none is kept. */
export function parseJsonLines(text: string): DatasetRow[] {
  const problems = new ProblemList();
  const rows: DatasetRow[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const { message, position } = describeJsonError(error as Error);
      problems.add(index + 1, `not valid JSON: ${message}${position === undefined ? '' : ` (column ${position + 1})`}`);
      return;
    }
    if (!isObject(value)) {
      problems.add(index + 1, `expected a JSON object ({...}), got ${kindOf(value)}`);
      return;
    }
    rows.push(value);
  });
  problems.throwIfAny();
  return rows;
}

/** A JSON array of objects. A syntax error names its line; so does each element that is not an object. */
export function parseJsonArray(text: string): DatasetRow[] {
  const problems = new ProblemList();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const { message, position } = describeJsonError(error as Error);
    problems.add(position === undefined ? 1 : lineAt(text, position), `not valid JSON: ${message}`);
    problems.throwIfAny();
  }
  if (!Array.isArray(value)) {
    const hint = isObject(value) ? ' (for one object per line, send the file as JSONL)' : '';
    problems.add(lineAt(text, text.search(/\S/)), `expected a JSON array of objects, got ${kindOf(value)}${hint}`);
    problems.throwIfAny();
  }
  const elements = value as unknown[];
  const starts = elementStarts(text);
  elements.forEach((element, index) => {
    if (!isObject(element)) {
      const line = problems.full ? 0 : lineAt(text, starts[index] ?? 0);
      problems.add(line, `element ${index + 1}: expected an object, got ${kindOf(element)}`);
    }
  });
  problems.throwIfAny();
  return elements as DatasetRow[];
}

function isObject(value: unknown): value is DatasetRow {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** The 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

/** JSON.parse's message without the echo of the whole input (V8 quotes it), and the offset it names, if any. */
function describeJsonError(error: Error): { message: string; position?: number } {
  let message = error.message.replace(/, ".*" is not valid JSON$/s, '');
  const at = /\s+in JSON at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(message);
  if (!at) return { message };
  message = message.slice(0, at.index);
  return { message, position: Number(at[1]) };
}

/**
 * The offsets where the top-level array's elements start, in valid JSON: a short scan that skips strings and
 * tracks depth, so a bad element can be named by its line.
 */
function elementStarts(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let expectElement = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"') {
      if (expectElement) starts.push(index);
      expectElement = false;
      for (index++; index < text.length && text[index] !== '"'; index++) if (text[index] === '\\') index++;
      continue;
    }
    if (/\s/.test(char)) continue;
    if (expectElement && char !== ']') starts.push(index);
    expectElement = false;
    if (char === '[' || char === '{') {
      depth++;
      if (depth === 1 && char === '[') expectElement = true;
    } else if (char === ']' || char === '}') depth--;
    else if (char === ',' && depth === 1) expectElement = true;
  }
  return starts;
}
