import type { FlowNode } from '@groundwork/runtime/schema';

/** What a node's card says about its config at a glance, so a flow can be read without opening the inspector. */
export interface NodeSummary {
  /** One short line (a template's first line, generation parameters, an expression). */
  text: string;
  /** Shown in a monospace font (templates and expressions are code). */
  code: boolean;
  /** The variant the summary describes, when the node has variants. */
  variant?: { name: string; count: number };
}

/** The name of the variant a run uses when it picks none: `defaultVariant`, else the first. */
export function defaultVariantName(node: FlowNode): string | undefined {
  if (!node.variants?.length) return undefined;
  return node.defaultVariant ?? node.variants[0]!.name;
}

/** The node's config as the default variant sees it (`{ ...config, ...variant.config }`, ADR 0003). */
export function effectiveConfig(node: FlowNode): Record<string, unknown> {
  const name = defaultVariantName(node);
  const variant = node.variants?.find((candidate) => candidate.name === name);
  return { ...(node.config ?? {}), ...(variant?.config ?? {}) };
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim() ?? '';

function promptSummary(config: Record<string, unknown>): string {
  if (typeof config.template === 'string') return firstLine(config.template) || '(empty template)';
  if (Array.isArray(config.messages)) {
    const first = config.messages[0] as { role?: unknown; template?: unknown } | undefined;
    const head =
      first && typeof first.template === 'string' ? `${String(first.role)}: ${firstLine(first.template)}` : '';
    const more = config.messages.length > 1 ? ` (+${config.messages.length - 1} messages)` : '';
    return `${head}${more}` || '(no messages)';
  }
  return '(no template)';
}

/** The llm node's generation parameters, with the schema's defaults for what the config leaves out. */
function llmSummary(config: Record<string, unknown>): string {
  const model = typeof config.model === 'string' ? config.model : 'default model';
  const maxTokens = typeof config.maxTokens === 'number' ? config.maxTokens : 256;
  const temperature = typeof config.temperature === 'number' ? config.temperature : 0;
  return `${model} · ${maxTokens} tokens · temp ${temperature}`;
}

export function nodeSummary(node: FlowNode): NodeSummary | undefined {
  const config = effectiveConfig(node);
  const variantName = defaultVariantName(node);
  const variant = variantName ? { variant: { name: variantName, count: node.variants!.length } } : {};
  switch (node.type) {
    case 'prompt':
      return { text: promptSummary(config), code: true, ...variant };
    case 'llm':
      return { text: llmSummary(config), code: false, ...variant };
    case 'condition':
    case 'switch':
    case 'transform':
      return typeof config.expression === 'string' ? { text: firstLine(config.expression), code: true } : undefined;
    case 'map':
    case 'subflow': {
      const flow = config.flow as { ref?: unknown; nodes?: unknown[] } | undefined;
      if (typeof flow?.ref === 'string') return { text: `runs ${flow.ref}`, code: false };
      return Array.isArray(flow?.nodes)
        ? { text: `inline sub-flow, ${flow.nodes.length} nodes`, code: false }
        : undefined;
    }
    case 'retrieve': {
      const topK = typeof config.topK === 'number' ? config.topK : 5;
      const mode = typeof config.mode === 'string' ? config.mode : 'hybrid';
      return typeof config.collection === 'string'
        ? { text: `${config.collection} · top ${topK} · ${mode}`, code: false }
        : undefined;
    }
    case 'groundedness':
      return { text: `${typeof config.scorer === 'string' ? config.scorer : 'default'} scorer`, code: false };
    default:
      return undefined;
  }
}
