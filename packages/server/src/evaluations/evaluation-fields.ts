import type { CompiledFlow } from '@groundwork/runtime';
import type { ErrorIssue } from '../http/http-error.js';
import { type EvaluationFields, FIELD_NAMES } from './evaluations.schemas.js';

type FieldName = (typeof FIELD_NAMES)[number];

/** Where an item's values are: its run's inputs and outputs, and its dataset row. */
export interface ItemValues {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  row: Record<string, unknown>;
}

const REFERENCE_COLUMNS = ['reference', 'expected', 'ground_truth'];

/**
 * The fields metrics read (answer, context, question, reference), each `outputs.NAME`, `inputs.NAME` or
 * `row.COLUMN`: the ones given, checked against the flow and the columns, and defaults for the rest. Defaults:
 * answer = the output named `answer`, else the only text output; context = the input, else the column, named
 * `context`, else a passages output or input; question = the input, else the column, named `question`;
 * reference = the column `reference`, `expected` or `ground_truth`.
 */
export function resolveFields(
  flow: CompiledFlow,
  columns: readonly string[],
  given: EvaluationFields,
  issues: ErrorIssue[],
): EvaluationFields {
  const outputs = Object.entries(flow.definition.outputs ?? {}).map(([name, output]) => ({ name, type: output.type }));
  const inputs = flow.inputs.map((input) => ({ name: input.name, type: input.type.kind }));
  const has = {
    outputs: new Set(outputs.map((output) => output.name)),
    inputs: new Set(inputs.map((input) => input.name)),
    row: new Set(columns),
  };
  const fields: EvaluationFields = {};
  for (const field of FIELD_NAMES) {
    const ref = given[field];
    if (ref === undefined) continue;
    const dot = ref.indexOf('.');
    const where = ref.slice(0, dot) as keyof typeof has;
    const name = ref.slice(dot + 1);
    if (has[where].has(name)) {
      fields[field] = ref;
      continue;
    }
    const what = { outputs: 'output', inputs: 'input', row: 'column' }[where];
    const there = [...has[where]].join(', ') || 'none';
    issues.push({
      path: `body.fields.${field}`,
      message: `"${ref}": the ${where === 'row' ? 'dataset' : 'flow'} has no ${what} "${name}" (${what}s: ${there})`,
    });
  }
  const pick = (field: FieldName, candidates: (string | undefined)[]) => {
    if (given[field] !== undefined) return;
    const found = candidates.find((candidate) => candidate !== undefined);
    if (found !== undefined) fields[field] = found;
  };
  const textOutputs = outputs.filter((output) => output.type === 'text');
  pick('answer', [
    has.outputs.has('answer') ? 'outputs.answer' : undefined,
    textOutputs.length === 1 ? `outputs.${textOutputs[0]!.name}` : undefined,
  ]);
  const passagesOutput = outputs.find((output) => output.type === 'passages');
  const passagesInput = inputs.find((input) => input.type === 'passages');
  pick('context', [
    has.inputs.has('context') ? 'inputs.context' : undefined,
    has.row.has('context') ? 'row.context' : undefined,
    passagesOutput && `outputs.${passagesOutput.name}`,
    passagesInput && `inputs.${passagesInput.name}`,
  ]);
  pick('question', [
    has.inputs.has('question') ? 'inputs.question' : undefined,
    has.row.has('question') ? 'row.question' : undefined,
  ]);
  pick(
    'reference',
    REFERENCE_COLUMNS.map((column) => (has.row.has(column) ? `row.${column}` : undefined)),
  );
  return fields;
}

/** The value a field names for an item; undefined when the field is not set or the value is missing. */
export function fieldValue(ref: string | undefined, values: ItemValues): unknown {
  if (ref === undefined) return undefined;
  const dot = ref.indexOf('.');
  const where = ref.slice(0, dot);
  const name = ref.slice(dot + 1);
  const source = where === 'outputs' ? values.outputs : where === 'inputs' ? values.inputs : values.row;
  return source?.[name] ?? undefined;
}

/** A value as text for the metrics: strings as they are, anything else as JSON; null when there is nothing. */
export function asText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Context as the scorers take it: one text, or passages (strings, or `{ text }` objects, as retrieve emits). */
export function asContext(value: unknown): string | string[] | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) {
    return value.map((item) =>
      typeof item === 'string'
        ? item
        : item && typeof item === 'object' && typeof (item as { text?: unknown }).text === 'string'
          ? (item as { text: string }).text
          : JSON.stringify(item),
    );
  }
  return asText(value);
}
