import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkValue, type FlowDefinition, formatPortType, type PortType, parsePortType } from '@groundwork/runtime';
import { InvalidArgumentError } from 'commander';

/** A command line that cannot be acted on: the message names the argument. The CLI exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Splits a repeatable `name=value` option (`--input`, `--variant`) into a list of pairs; for commander's
 * argParser, so a malformed value is reported by commander with the option and the argument named.
 */
export function collectAssignment(text: string, previous: readonly [string, string][] = []): [string, string][] {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError('expected name=value, e.g. question="What is RAG?"');
  return [...previous, [text.slice(0, equals), text.slice(equals + 1)]];
}

/** For `--concurrency`. */
export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('expected a whole number from 1');
  }
  return value;
}

/** The largest run seed: seeds are 32-bit unsigned integers, as runs record them and the API takes them. */
export const MAX_SEED = 4_294_967_295;

/** For `--seed`. */
export function parseSeed(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value > MAX_SEED) {
    throw new InvalidArgumentError(`expected a whole number from 0 to ${MAX_SEED}`);
  }
  return value;
}

/**
 * The run's inputs: `--inputs-json` (a JSON object, or `@file.json`) first, then each `--input`, converted by the
 * type the flow declares for it. An input the flow does not declare is passed as text, so that the runtime's own
 * check reports it with the flow's input names.
 */
export function buildRunInputs(
  flow: FlowDefinition,
  options: { inputsJson?: string | undefined; input: readonly [string, string][]; cwd: string },
): Record<string, unknown> {
  const inputs = options.inputsJson === undefined ? {} : readInputsJson(options.inputsJson, options.cwd);
  for (const [name, raw] of options.input) {
    const declared = flow.inputs?.[name];
    inputs[name] = declared ? convertInput(name, raw, parsePortType(declared.type)) : raw;
  }
  return inputs;
}

function readInputsJson(argument: string, cwd: string): Record<string, unknown> {
  let text = argument;
  if (argument.startsWith('@')) {
    const path = argument.slice(1);
    try {
      text = readFileSync(resolve(cwd, path), 'utf8');
    } catch (error) {
      throw new UsageError(`--inputs-json: cannot read ${path}: ${(error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--inputs-json: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--inputs-json: expected a JSON object of input values, e.g. {"question": "What is RAG?"}');
  }
  return value as Record<string, unknown>;
}

/**
 * Converts one `--input name=value` by the input's declared type: text as written, numbers and booleans parsed,
 * structured types (json, list, messages, passages) as JSON. `any` takes JSON when the value parses and text
 * otherwise; a union takes the first of its types the value converts to, text last.
 */
export function convertInput(name: string, raw: string, type: PortType): unknown {
  const converted = convert(raw, type);
  if (converted.ok) return converted.value;
  throw new UsageError(`--input ${name}: input "${name}" is ${formatPortType(type)}; ${converted.reason}`);
}

type Conversion = { ok: true; value: unknown } | { ok: false; reason: string };

function convert(raw: string, type: PortType): Conversion {
  switch (type.kind) {
    case 'text':
      return { ok: true, value: raw };
    case 'number': {
      const value = Number(raw);
      return raw.trim() !== '' && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, reason: `"${raw}" is not a number` };
    }
    case 'boolean': {
      const word = raw.trim().toLowerCase();
      if (word === 'true' || word === 'false') return { ok: true, value: word === 'true' };
      return { ok: false, reason: `"${raw}" is not true or false` };
    }
    case 'any': {
      const parsed = parseJson(raw);
      return parsed.ok ? parsed : { ok: true, value: raw };
    }
    case 'union': {
      const options = [...type.options].sort((a, b) => Number(a.kind === 'text') - Number(b.kind === 'text'));
      for (const option of options) {
        const converted = convert(raw, option);
        if (converted.ok && checkValue(converted.value, option) === undefined) return converted;
      }
      return { ok: false, reason: `"${raw}" is none of these` };
    }
    default:
      // json, list<T>, messages, passages: written as JSON; their shape is checked by the runtime with the rest.
      return parseJson(raw);
  }
}

function parseJson(raw: string): Conversion {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, reason: `the value must be JSON (${(error as Error).message})` };
  }
}
