import { Document, isMap, isPair, isScalar, parseDocument, Scalar, visit, type YAMLParseError } from 'yaml';
import type { Flow, FlowDefinition, FlowNode } from './flow.js';
import { type FlowParseResult, parseFlowDocument } from './flow-document.js';

/** Reads a `*.flow.yaml` text: YAML syntax, then migration and shape (see parseFlowDocument). */
export function loadFlowYaml(text: string): FlowParseResult {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({ code: 'yaml-syntax', message: yamlErrorMessage(error), path: [] })),
    };
  }
  let content: unknown;
  try {
    // Aliases are expanded with the library's bound on repeated expansion (no "billion laughs").
    content = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to no anchor, or too many alias expansions: the library throws rather than reporting.
    return { ok: false, problems: [{ code: 'yaml-syntax', message: (error as Error).message, path: [] }] };
  }
  return parseFlowDocument(content);
}

function yamlErrorMessage(error: YAMLParseError): string {
  const where = error.linePos?.[0];
  const message = error.message.split('\n')[0] ?? error.message;
  const stripped = message.replace(/ at line \d+, column \d+:?$/, '');
  return where ? `line ${where.line}, column ${where.col}: ${stripped}` : stripped;
}

/** The order keys are written in, per kind of mapping; keys not listed follow in their own order. */
const KEY_ORDER = {
  flow: ['schemaVersion', 'name', 'description', 'inputs', 'outputs', 'nodes', 'edges'],
  declaration: ['type', 'description', 'default', 'required'],
  node: [
    'id',
    'type',
    'title',
    'description',
    'position',
    'config',
    'variants',
    'defaultVariant',
    'timeoutMs',
    'retry',
  ],
  position: ['x', 'y'],
  variant: ['name', 'description', 'config'],
  retry: ['maxAttempts', 'backoffMs', 'factor', 'maxBackoffMs'],
  edge: ['from', 'to'],
} as const;

/** Words YAML 1.1 tools (PyYAML among them) read as booleans; written quoted so a flow means the same to every YAML reader. */
const YAML_11_BOOLEANS = /^(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;
/** Multi-line strings that a literal block cannot hold exactly (a line of only blanks, or a tab); written quoted. */
const NOT_BLOCK_SAFE = /(^|\n)[ \t]+(\n|$)|\t/;

/**
 * Writes a flow as YAML that reads well in git: a fixed key order, one node per block, multi-line templates as
 * literal blocks, positions, retry policies and edges on one line each. `loadFlowYaml(saveFlowYaml(flow))` gives
 * back `flow`, and saving that again gives the same text.
 */
export function saveFlowYaml(flow: Flow): string {
  const document = new Document(orderFlow(flow));
  visit(document, {
    Pair(_key, pair) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if ((key === 'position' || key === 'retry') && isMap(pair.value)) pair.value.flow = true;
    },
    Seq(_key, sequence, path) {
      const parent = path[path.length - 1];
      if (isPair(parent) && isScalar(parent.key) && parent.key.value === 'edges') {
        for (const edge of sequence.items) if (isMap(edge)) edge.flow = true;
      }
    },
    Scalar(_key, scalar) {
      if (typeof scalar.value !== 'string') return;
      const text = scalar.value;
      if (YAML_11_BOOLEANS.test(text) || (text.includes('\n') && NOT_BLOCK_SAFE.test(text))) {
        scalar.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return document.toString({ lineWidth: 0, blockQuote: 'literal' });
}

function ordered(object: object, keys: readonly string[]): Record<string, unknown> {
  const source = object as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) result[key] = source[key];
  for (const [key, value] of Object.entries(source)) if (!(key in result) && value !== undefined) result[key] = value;
  return result;
}

function orderDeclarations(declarations: Record<string, object> | undefined) {
  return (
    declarations &&
    Object.fromEntries(Object.entries(declarations).map(([name, d]) => [name, ordered(d, KEY_ORDER.declaration)]))
  );
}

/** Orders a flow, and the inline sub-flows that map and subflow nodes hold under `config.flow`. */
function orderFlow(flow: FlowDefinition): Record<string, unknown> {
  return ordered(
    {
      ...flow,
      inputs: orderDeclarations(flow.inputs),
      outputs: orderDeclarations(flow.outputs),
      nodes: flow.nodes.map(orderNode),
      edges: flow.edges?.map((edge) => ordered(edge, KEY_ORDER.edge)),
    },
    KEY_ORDER.flow,
  );
}

function orderNode(node: FlowNode): Record<string, unknown> {
  const inline = node.config?.flow as FlowDefinition | undefined;
  const config =
    inline && typeof inline === 'object' && Array.isArray(inline.nodes)
      ? { ...node.config, flow: orderFlow(inline) }
      : node.config;
  return ordered(
    {
      ...node,
      config,
      position: node.position && ordered(node.position, KEY_ORDER.position),
      variants: node.variants?.map((variant) => ordered(variant, KEY_ORDER.variant)),
      retry: node.retry && ordered(node.retry, KEY_ORDER.retry),
    },
    KEY_ORDER.node,
  );
}
