import { checkValue, type FlowInput, isInputRequired, type PortType, parsePortType } from '@groundwork/runtime/schema';

/** The form control an input gets: text and numbers as themselves, booleans as a checkbox, the rest as JSON. */
export type FieldKind = 'text' | 'number' | 'boolean' | 'json';

/** What a field holds while being edited: its text, or the checkbox state. */
export type RawValue = string | boolean;

export type Conversion = { ok: true; value: unknown } | { ok: false; message: string };

function portType(input: FlowInput): PortType | undefined {
  try {
    return parsePortType(input.type);
  } catch {
    // The canvas reports a malformed type; the form still offers a JSON field for it.
    return undefined;
  }
}

export function fieldKind(input: FlowInput): FieldKind {
  const kind = portType(input)?.kind;
  return kind === 'text' || kind === 'number' || kind === 'boolean' ? kind : 'json';
}

/** The field's starting content: the declared default, written the way the field shows it. */
export function initialRaw(input: FlowInput): RawValue {
  return rawFromValue(input, input.default);
}

/**
 * A field's content as the value the run gets, checked against the input's type with the same check the server
 * runs (`checkValue`). An empty field gives no value (`undefined`): the server then uses the default, and refuses
 * a required input, which the form says first.
 */
export function convertInput(input: FlowInput, raw: RawValue): Conversion {
  const type = portType(input);
  const kind = fieldKind(input);
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  if (raw.trim() === '' && !(kind === 'text' && raw !== '')) {
    return isInputRequired(input)
      ? { ok: false, message: `is required (${input.type})` }
      : { ok: true, value: undefined };
  }
  let value: unknown;
  if (kind === 'text') value = raw;
  else if (kind === 'number') {
    value = Number(raw);
    if (Number.isNaN(value)) return { ok: false, message: `is not a number: "${raw}"` };
  } else {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      // A union with text (`text | number`) takes plain words: "hello" need not be typed with its quotes. A json
      // field does not: text that fails to parse there is far more likely a broken object than a string.
      if (type?.kind === 'union' && type.options.some((option) => option.kind === 'text'))
        return { ok: true, value: raw };
      return { ok: false, message: `is not valid JSON: ${(error as Error).message}` };
    }
  }
  const problem = type ? checkValue(value, type) : undefined;
  return problem ? { ok: false, message: problem } : { ok: true, value };
}

/** Every declared input's value, or the message for each field that cannot be sent. */
export function collectInputs(
  declared: Record<string, FlowInput> | undefined,
  raw: Record<string, RawValue>,
): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, input] of Object.entries(declared ?? {})) {
    const converted = convertInput(input, raw[name] ?? initialRaw(input));
    if (!converted.ok) errors[name] = converted.message;
    else if (converted.value !== undefined) values[name] = converted.value;
  }
  return { values, errors };
}

/** A value written into the input's field: its default, or a past run's value ("use these inputs"). */
export function rawFromValue(input: FlowInput, value: unknown): RawValue {
  const kind = fieldKind(input);
  if (kind === 'boolean') return value === true;
  if (value === undefined) return '';
  if (kind === 'text' && typeof value === 'string') return value;
  if (kind === 'number' && typeof value === 'number') return String(value);
  return JSON.stringify(value, null, 2) ?? '';
}
