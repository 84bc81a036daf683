import { checkValue, formatPortType } from '../schema/port-types.js';
import type { CompiledFlow } from './compile.js';

export interface RunRequestProblem {
  /** The field of the request, e.g. `inputs.question` or `variants.answer`. */
  field: string;
  message: string;
}

/** A run request that cannot start (unknown or missing inputs, wrong types, unknown variants). Nothing ran. */
export class RunRequestError extends Error {
  override name = 'RunRequestError';
  constructor(readonly problems: readonly RunRequestProblem[]) {
    super(problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '));
  }
}

export interface CheckedRequest {
  /** The input values after defaults. */
  inputs: Record<string, unknown>;
  /** The variant of every node with variants. */
  variants: Record<string, string>;
}

/** Checks a whole run request and reports every problem of its inputs and variants at once. */
export function checkRunRequest(
  flow: CompiledFlow,
  inputs: Readonly<Record<string, unknown>>,
  variants: Readonly<Record<string, string>>,
): CheckedRequest {
  const problems: RunRequestProblem[] = [];
  const checked = {
    inputs: collectInputs(flow, inputs, problems),
    variants: collectVariants(flow, variants, problems),
  };
  if (problems.length > 0) throw new RunRequestError(problems);
  return checked;
}

/** The run's input values after defaults, checked against the declared types; throws RunRequestError. */
export function prepareInputs(flow: CompiledFlow, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const problems: RunRequestProblem[] = [];
  const values = collectInputs(flow, given, problems);
  if (problems.length > 0) throw new RunRequestError(problems);
  return values;
}

function collectInputs(
  flow: CompiledFlow,
  given: Readonly<Record<string, unknown>>,
  problems: RunRequestProblem[],
): Record<string, unknown> {
  const declared = new Set(flow.inputs.map((input) => input.name));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const names = [...declared];
      problems.push({
        field: `inputs.${name}`,
        message: `the flow has no input "${name}" (inputs: ${names.length ? names.join(', ') : 'none'})`,
      });
    }
  }
  const values: Record<string, unknown> = {};
  for (const input of flow.inputs) {
    const value = given[input.name] !== undefined ? given[input.name] : input.default;
    if (value === undefined) {
      if (input.required) {
        problems.push({ field: `inputs.${input.name}`, message: `is required (${formatPortType(input.type)})` });
      }
      continue;
    }
    const problem = checkValue(value, input.type);
    if (problem) problems.push({ field: `inputs.${input.name}`, message: problem });
    else values[input.name] = value;
  }
  return values;
}

/** The variant every node with variants runs with: the requested one, else its default. */
function collectVariants(
  flow: CompiledFlow,
  requested: Readonly<Record<string, string>>,
  problems: RunRequestProblem[],
): Record<string, string> {
  for (const [nodeId, variant] of Object.entries(requested)) {
    const node = flow.byId.get(nodeId);
    const field = `variants.${nodeId}`;
    if (!node) problems.push({ field, message: `the flow has no node "${nodeId}"` });
    else if (node.defaultVariant === undefined) problems.push({ field, message: `node "${nodeId}" has no variants` });
    else if (!node.configs.has(variant)) {
      problems.push({
        field,
        message: `node "${nodeId}" has no variant "${variant}" (variants: ${[...node.configs.keys()].join(', ')})`,
      });
    }
  }
  const chosen: Record<string, string> = {};
  for (const node of flow.nodes) {
    if (node.defaultVariant !== undefined) chosen[node.id] = requested[node.id] ?? node.defaultVariant;
  }
  return chosen;
}
