import { type FlowNode, IDENTIFIER_PATTERN, type Variant } from '@groundwork/runtime/schema';
import { uniqueName } from '../graph/ids.js';

/**
 * The fields that differ between variants (docs/decisions/0003: effective config = `{...node.config,
 * ...variant.config}`). "Add variants" moves them from the node's config into the first variant; the rest stays
 * shared. A prompt's template and messages must both live in the variants: a shared template next to a variant's
 * messages would be a config with both.
 */
const VARIANT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  prompt: ['template', 'messages'],
  llm: ['model', 'maxTokens', 'temperature', 'topK', 'topP', 'repetitionPenalty', 'seed', 'stop'],
};

export const FIRST_VARIANT = 'default';

export function variantFieldsOf(type: string): readonly string[] {
  return VARIANT_FIELDS[type] ?? [];
}

/** The variant a run uses unless told otherwise (the first when `defaultVariant` is left out). */
export function defaultVariantOf(node: FlowNode): string | undefined {
  if (!node.variants?.length) return undefined;
  return node.defaultVariant ?? node.variants[0]!.name;
}

/** The config a form edits: the node's own (shared) config, or one variant's overrides. */
export function ownConfig(node: FlowNode, variant: string | undefined): Record<string, unknown> {
  if (variant === undefined) return node.config ?? {};
  return node.variants?.find((candidate) => candidate.name === variant)?.config ?? {};
}

/** What a run of `variant` sees: the shared config with the variant's overrides on top. */
export function effectiveConfig(node: FlowNode, variant: string | undefined): Record<string, unknown> {
  return variant === undefined ? ownConfig(node, undefined) : { ...node.config, ...ownConfig(node, variant) };
}

function withField(config: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const { [field]: _old, ...rest } = config;
  return value === undefined ? rest : { ...config, [field]: value };
}

/** The node with one field of its config (or of a variant's overrides) set; `undefined` removes the field. */
export function withConfigField(node: FlowNode, variant: string | undefined, field: string, value: unknown): FlowNode {
  if (variant === undefined) return { ...node, config: withField(node.config ?? {}, field, value) };
  return {
    ...node,
    variants: (node.variants ?? []).map((candidate) =>
      candidate.name === variant ? { ...candidate, config: withField(candidate.config, field, value) } : candidate,
    ),
  };
}

/** The node's config split into a first variant named `default` (its variant fields) and the shared rest. */
export function enableVariants(node: FlowNode): FlowNode {
  const fields = new Set(variantFieldsOf(node.type));
  const config = node.config ?? {};
  const shared = Object.fromEntries(Object.entries(config).filter(([key]) => !fields.has(key)));
  const own = Object.fromEntries(Object.entries(config).filter(([key]) => fields.has(key)));
  return { ...node, config: shared, variants: [{ name: FIRST_VARIANT, config: own }] };
}

/** The node back without variants: the one variant left folded into the shared config. */
export function disableVariants(node: FlowNode): FlowNode {
  const { variants, defaultVariant: _default, ...rest } = node;
  const only = variants?.[0];
  return { ...rest, config: { ...node.config, ...only?.config } };
}

/** A new variant that copies `from`'s overrides, under a fresh name. */
export function addVariant(node: FlowNode, from: string | undefined): { node: FlowNode; name: string } {
  const variants = node.variants ?? [];
  const name = uniqueName(
    `v${variants.length + 1}`,
    variants.map((variant) => variant.name),
  );
  const source = variants.find((variant) => variant.name === from) ?? variants[0];
  const copy: Variant = { name, config: structuredClone(source?.config ?? {}) };
  return { node: { ...node, variants: [...variants, copy] }, name };
}

/** Why `name` cannot be the new name of variant `current`, or undefined when it can. */
export function variantNameProblem(node: FlowNode, current: string, name: string): string | undefined {
  if (!IDENTIFIER_PATTERN.test(name))
    return 'a variant name starts with a letter or _ and has only letters, digits, _ and -';
  if (name !== current && node.variants?.some((variant) => variant.name === name)) return `"${name}" is taken`;
  return undefined;
}

export function renameVariant(node: FlowNode, current: string, name: string): FlowNode {
  return {
    ...node,
    variants: (node.variants ?? []).map((variant) => (variant.name === current ? { ...variant, name } : variant)),
    ...(node.defaultVariant === current ? { defaultVariant: name } : {}),
  };
}

/** The node without variant `name`; the last variant is never deleted (use disableVariants). */
export function deleteVariant(node: FlowNode, name: string): FlowNode {
  const variants = (node.variants ?? []).filter((variant) => variant.name !== name);
  if (variants.length === 0) return node;
  const { defaultVariant, ...rest } = node;
  return { ...rest, variants, ...(defaultVariant !== undefined && defaultVariant !== name ? { defaultVariant } : {}) };
}

/** The first variant is the default when none is named, so naming the first one is left out of the document. */
export function setDefaultVariant(node: FlowNode, name: string): FlowNode {
  const { defaultVariant: _old, ...rest } = node;
  return node.variants?.[0]?.name === name ? rest : { ...rest, defaultVariant: name };
}
