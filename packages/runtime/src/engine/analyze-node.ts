import type { AnyNodeType, NodePorts, PortContext, PortSpec } from '../node-types/node-type.js';
import type { NodeTypeRegistry } from '../node-types/registry.js';
import type { FlowNode } from '../schema/flow.js';
import { zodIssuesToProblems } from '../schema/flow-document.js';
import { formatPortType } from '../schema/port-types.js';
import type { FlowProblem, ProblemPath } from '../schema/problems.js';
import { didYouMean } from './suggest.js';

/** A node whose type is known and whose config (every variant's) is valid: its ports are known. */
export interface CheckedNode {
  index: number;
  node: FlowNode;
  type: AnyNodeType;
  /** Parsed effective configs by variant name; the key is '' for a node without variants. */
  configs: Map<string, unknown>;
  /** The variant a run uses unless told otherwise; undefined for a node without variants. */
  defaultVariant: string | undefined;
  /** Inputs: those of every variant together. Outputs: those of the default variant (all variants must agree). */
  ports: NodePorts;
}

export const NO_VARIANT = '';

/** Checks one node on its own: its type, variants, config and ports. Returns undefined when the node is unusable. */
export function checkNode(
  node: FlowNode,
  index: number,
  registry: NodeTypeRegistry,
  context: PortContext,
  problems: FlowProblem[],
): CheckedNode | undefined {
  const at: ProblemPath = ['nodes', index];
  const report = (problem: Omit<FlowProblem, 'nodeId'>) => problems.push({ ...problem, nodeId: node.id });
  const type = registry.get(node.type);
  if (!type) {
    report({
      code: 'unknown-node-type',
      path: [...at, 'type'],
      message: `unknown node type "${node.type}"${didYouMean(node.type, registry.names())}; known types: ${registry.names().join(', ')}`,
    });
    return undefined;
  }
  const before = problems.length;
  checkVariants(node, type, at, report);
  const configs = parseConfigs(node, type, at, problems);
  if (!configs || problems.length > before) return undefined;

  const portsByVariant = new Map<string, NodePorts>();
  for (const [variant, config] of configs) {
    try {
      portsByVariant.set(variant, type.ports(config, context));
    } catch (error) {
      report({
        code: 'invalid-config',
        path: [...at, 'config'],
        message: `cannot work out the node's ports: ${(error as Error).message}`,
      });
      return undefined;
    }
  }
  const defaultVariant = node.variants?.length ? (node.defaultVariant ?? node.variants[0]!.name) : undefined;
  const defaultPorts = portsByVariant.get(defaultVariant ?? NO_VARIANT)!;
  const inputs = new Map<string, PortSpec>();
  for (const [variant, ports] of portsByVariant) {
    for (const input of ports.inputs) if (!inputs.has(input.name)) inputs.set(input.name, input);
    if (variant !== defaultVariant && signature(ports.outputs) !== signature(defaultPorts.outputs)) {
      report({
        code: 'invalid-variant',
        path: [...at, 'variants', node.variants!.findIndex((v) => v.name === variant)],
        message: `variant "${variant}" gives outputs ${signature(ports.outputs)} but the default variant "${defaultVariant}" gives ${signature(defaultPorts.outputs)}; all variants of a node must have the same outputs`,
      });
    }
  }
  const seenChecks = new Set<string>();
  for (const config of configs.values()) {
    for (const problem of type.check?.(config, context) ?? []) {
      const key = `${problem.code}:${problem.message}`;
      if (seenChecks.has(key)) continue;
      seenChecks.add(key);
      report({ code: problem.code, message: problem.message, path: [...at, 'config', ...problem.path] });
    }
  }
  if (problems.length > before) return undefined;
  return {
    index,
    node,
    type,
    configs,
    defaultVariant,
    ports: { inputs: [...inputs.values()], outputs: defaultPorts.outputs },
  };
}

function checkVariants(
  node: FlowNode,
  type: AnyNodeType,
  at: ProblemPath,
  report: (problem: Omit<FlowProblem, 'nodeId'>) => void,
): void {
  const names = node.variants?.map((variant) => variant.name) ?? [];
  if (node.variants && !type.supportsVariants) {
    report({
      code: 'invalid-variant',
      path: [...at, 'variants'],
      message: `${type.type} nodes do not take variants (prompt and llm nodes do)`,
    });
    return;
  }
  if (node.variants?.length === 0) {
    report({
      code: 'invalid-variant',
      path: [...at, 'variants'],
      message: 'variants is empty: list at least one variant or leave variants out',
    });
  }
  names.forEach((name, j) => {
    if (names.indexOf(name) !== j) {
      report({
        code: 'invalid-variant',
        path: [...at, 'variants', j, 'name'],
        message: `variant name "${name}" is used twice`,
      });
    }
  });
  if (node.defaultVariant !== undefined && !names.includes(node.defaultVariant)) {
    report({
      code: 'invalid-variant',
      path: [...at, 'defaultVariant'],
      message: names.length
        ? `default variant "${node.defaultVariant}" is not one of the node's variants (${names.join(', ')})`
        : `defaultVariant is "${node.defaultVariant}" but the node has no variants`,
    });
  }
}

/** Parses the config once per variant (`{...config, ...variant.config}`), reporting each problem once, where it is written. */
function parseConfigs(
  node: FlowNode,
  type: AnyNodeType,
  at: ProblemPath,
  problems: FlowProblem[],
): Map<string, unknown> | undefined {
  const base = node.config ?? {};
  const configs = new Map<string, unknown>();
  const variants = type.supportsVariants && node.variants?.length ? node.variants : undefined;
  if (!variants) {
    const parsed = type.configSchema.safeParse(base);
    if (!parsed.success) {
      problems.push(
        ...zodIssuesToProblems(parsed.error.issues, undefined, {
          code: 'invalid-config',
          prefix: [...at, 'config'],
        }).map(withNode(node)),
      );
      return undefined;
    }
    configs.set(NO_VARIANT, parsed.data);
    return configs;
  }
  const reported = new Set<string>();
  let valid = true;
  variants.forEach((variant, j) => {
    const parsed = type.configSchema.safeParse({ ...base, ...variant.config });
    if (parsed.success) {
      configs.set(variant.name, parsed.data);
      return;
    }
    valid = false;
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      const inVariant = typeof key === 'string' && key in variant.config;
      const prefix = inVariant ? [...at, 'variants', j, 'config'] : [...at, 'config'];
      const [problem] = zodIssuesToProblems([issue], undefined, { code: 'invalid-config', prefix });
      const id = `${problem!.path.join('.')}:${problem!.message}`;
      if (reported.has(id)) continue;
      reported.add(id);
      problems.push(withNode(node)(problem!));
    }
  });
  return valid ? configs : undefined;
}

const withNode =
  (node: FlowNode) =>
  (problem: FlowProblem): FlowProblem => ({ ...problem, nodeId: node.id });

function signature(ports: readonly PortSpec[]): string {
  return `(${ports.map((port) => `${port.name}: ${formatPortType(port.type)}`).join(', ')})`;
}
