import type { Flow } from '@groundwork/runtime/schema';
import type { EvaluationFields, EvaluationRequest, ScorerName } from '../api/client.js';
import { defaultVariantOf } from '../inspector/variants.js';

/** A prompt or llm node that carries variants, as the form offers them. */
export interface VariantNode {
  id: string;
  type: string;
  title: string;
  variants: string[];
  defaultVariant: string;
}

export function variantNodesOf(flow: Flow): VariantNode[] {
  return flow.nodes.flatMap((node) =>
    (node.type === 'prompt' || node.type === 'llm') && node.variants?.length
      ? [
          {
            id: node.id,
            type: node.type,
            title: node.title ?? node.id,
            variants: node.variants.map((variant) => variant.name),
            defaultVariant: defaultVariantOf(node)!,
          },
        ]
      : [],
  );
}

/** Every variant of every node ticked: an evaluation is mostly for comparing them. */
export function allVariants(nodes: VariantNode[]): Record<string, string[]> {
  return Object.fromEntries(nodes.map((node) => [node.id, [...node.variants]]));
}

/** How many combinations the ticked variants make: the cross product; a node with none ticked runs its default. */
export function combinationCount(variants: Record<string, string[]>): number {
  return Object.values(variants).reduce((count, names) => count * Math.max(1, names.length), 1);
}

export interface FlowInputInfo {
  name: string;
  type: string;
  required: boolean;
}

export function flowInputsOf(flow: Flow): FlowInputInfo[] {
  return Object.entries(flow.inputs ?? {}).map(([name, input]) => ({
    name,
    type: input.type,
    required: input.required ?? input.default === undefined,
  }));
}

/** Each input takes the column of the same name, when there is one (as the server does by default). */
export function defaultMapping(inputs: FlowInputInfo[], columns: string[]): Record<string, string> {
  return Object.fromEntries(
    inputs.flatMap((input) => (columns.includes(input.name) ? [[input.name, input.name]] : [])),
  );
}

/** The required inputs no column feeds, each with why. */
export function mappingProblems(inputs: FlowInputInfo[], mapping: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    inputs.flatMap((input) =>
      input.required && !mapping[input.name]
        ? [[input.name, `${input.name} is required: pick the column that gives it`]]
        : [],
    ),
  );
}

const REFERENCE_COLUMNS = ['reference', 'expected', 'ground_truth'];

/** The metrics worth ticking at first, from the names the data and the flow use (the server's defaults, roughly). */
export function defaultMetrics(inputs: FlowInputInfo[], columns: string[]): string[] {
  const names = new Set([...columns, ...inputs.map((input) => input.name)]);
  const hasPassages = inputs.some((input) => input.type === 'passages');
  return [
    ...(names.has('context') || hasPassages ? ['groundedness'] : []),
    ...(names.has('question') ? ['relevance'] : []),
    ...(columns.some((column) => REFERENCE_COLUMNS.includes(column)) ? ['similarity'] : []),
    'latency',
    'tokens_in',
    'tokens_out',
  ];
}

export interface FormValues {
  flow: string;
  version: 'latest' | number;
  dataset: string;
  mapping: Record<string, string>;
  variants: Record<string, string[]>;
  metrics: string[];
  fields: EvaluationFields;
  scorer: ScorerName;
  threshold: string;
  model: string;
  concurrency: string;
  name: string;
}

/** The request the form's values make; empty optional fields are left out, so the server's defaults apply. */
export function evaluationRequestOf(values: FormValues): EvaluationRequest {
  const variants = Object.fromEntries(Object.entries(values.variants).filter(([, names]) => names.length > 0));
  const fields = Object.fromEntries(
    Object.entries(values.fields).flatMap(([key, value]) => (value?.trim() ? [[key, value.trim()]] : [])),
  );
  const threshold = values.threshold.trim() === '' ? undefined : Number(values.threshold);
  const concurrency = values.concurrency.trim() === '' ? undefined : Number(values.concurrency);
  const mapping = Object.fromEntries(Object.entries(values.mapping).filter(([, column]) => column));
  return {
    flow: values.flow,
    ...(values.version === 'latest' ? {} : { version: values.version }),
    dataset: values.dataset,
    mapping,
    ...(Object.keys(variants).length ? { variants } : {}),
    metrics: values.metrics,
    ...(Object.keys(fields).length ? { fields } : {}),
    ...(values.metrics.includes('groundedness')
      ? {
          groundedness: {
            scorer: values.scorer,
            ...(threshold === undefined ? {} : { threshold }),
            ...(values.scorer !== 'default' && values.model.trim() ? { model: values.model.trim() } : {}),
          },
        }
      : {}),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
  };
}

/** Problems the form can see before asking the server. */
export function formProblems(values: FormValues): string[] {
  const problems: string[] = [];
  const threshold = Number(values.threshold);
  if (values.threshold.trim() !== '' && !(threshold >= 0 && threshold <= 1))
    problems.push('The threshold is a number from 0 to 1.');
  const concurrency = Number(values.concurrency);
  if (values.concurrency.trim() !== '' && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64))
    problems.push('Concurrency is a whole number from 1 to 64.');
  if (values.metrics.length === 0) problems.push('Tick at least one metric.');
  if (values.metrics.includes('groundedness') && values.scorer !== 'default' && !values.model.trim())
    problems.push(`The ${values.scorer === 'llm' ? 'LLM judge' : 'NLI'} scorer needs a model.`);
  return problems;
}
