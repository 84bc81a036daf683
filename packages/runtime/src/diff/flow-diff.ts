import {
  type Flow,
  type FlowEdge,
  type FlowInput,
  type FlowNode,
  type FlowOutput,
  type Position,
  parsePortReference,
  type Variant,
} from '../schema/flow.js';
import { diffField, diffRecord, type FieldChange, sameValue } from './field-diff.js';

export type VariantDiff =
  | { change: 'added'; name: string; variant: Variant }
  | { change: 'removed'; name: string; variant: Variant }
  /** `renamedFrom` when the variant was renamed; `fields` are the changes of its description and config overrides. */
  | { change: 'changed'; name: string; renamedFrom?: string; fields: FieldChange[] };

export type NodeDiff =
  | { change: 'added'; id: string; type: string; node: FlowNode }
  | { change: 'removed'; id: string; type: string; node: FlowNode }
  | {
      change: 'changed';
      id: string;
      type: string;
      /** The node's id before, when it was renamed (its edges follow it and are not reported). */
      renamedFrom?: string;
      /** Where it was and is on the canvas, when it moved. */
      moved?: { before?: Position; after?: Position };
      /** Changes of its type, title, description, config, default variant, timeout and retry policy. */
      fields: FieldChange[];
      variants: VariantDiff[];
    };

export interface EdgeDiff {
  change: 'added' | 'removed';
  from: string;
  to: string;
}

/** A declared input or output added, removed or changed (type, description, default, required). */
export type InterfaceDiff<T = FlowInput | FlowOutput> =
  | { change: 'added' | 'removed'; name: string; declaration: T }
  | { change: 'changed'; name: string; fields: FieldChange[] };

/** What changed between two flows: every list is empty when they are the same flow (node and edge order aside). */
export interface FlowDiff {
  /** The flow's name and description. */
  flow: FieldChange[];
  inputs: InterfaceDiff<FlowInput>[];
  outputs: InterfaceDiff<FlowOutput>[];
  nodes: NodeDiff[];
  edges: EdgeDiff[];
}

/** The node fields compared one by one; id, position and variants are compared on their own. */
const NODE_FIELDS = ['type', 'title', 'description', 'config', 'defaultVariant', 'timeoutMs', 'retry'] as const;

/**
 * The changes from one version of a flow to another: structure (nodes and edges added, removed, renamed, moved),
 * every changed field (templates as word-level diffs, parameters as before → after) and variants per node. A node
 * or variant whose content is unchanged but whose name is new counts as renamed, not removed and added.
 */
export function diffFlows(before: Flow, after: Flow): FlowDiff {
  const renames = findNodeRenames(before.nodes, after.nodes);
  const afterById = new Map(after.nodes.map((node) => [node.id, node]));
  const beforeById = new Map(before.nodes.map((node) => [node.id, node]));
  const renamedTo = new Map([...renames].map(([oldId, newId]) => [newId, oldId]));

  const nodes: NodeDiff[] = [];
  for (const node of before.nodes) {
    if (!afterById.has(node.id) && !renames.has(node.id)) {
      nodes.push({ change: 'removed', id: node.id, type: node.type, node });
    }
  }
  for (const node of after.nodes) {
    const oldId = renamedTo.get(node.id) ?? node.id;
    const old = beforeById.get(oldId);
    if (!old) {
      nodes.push({ change: 'added', id: node.id, type: node.type, node });
      continue;
    }
    const change = diffNode(old, node);
    if (change) nodes.push(change);
  }

  return {
    flow: [
      ...diffField('name', before.name, after.name),
      ...diffField('description', before.description, after.description),
    ],
    inputs: diffInterface(before.inputs ?? {}, after.inputs ?? {}),
    outputs: diffInterface(before.outputs ?? {}, after.outputs ?? {}),
    nodes,
    edges: diffEdges(before.edges ?? [], after.edges ?? [], renames),
  };
}

/** Whether two flows are the same flow: nothing in their diff. */
export function isEmptyDiff(diff: FlowDiff): boolean {
  return diff.flow.length + diff.inputs.length + diff.outputs.length + diff.nodes.length + diff.edges.length === 0;
}

/**
 * The differences between two variants of one node, in what the node runs with: the node's config with each
 * variant's overrides applied (so a parameter one variant overrides and the other inherits shows its real values).
 */
export function diffVariants(node: FlowNode, from: string, to: string): FieldChange[] {
  const variant = (name: string) => {
    const found = node.variants?.find((candidate) => candidate.name === name);
    if (!found) {
      const names = (node.variants ?? []).map((candidate) => candidate.name);
      throw new RangeError(
        `node "${node.id}" has no variant "${name}" (variants: ${names.length ? names.join(', ') : 'none'})`,
      );
    }
    return found;
  };
  const a = variant(from);
  const b = variant(to);
  return [
    ...diffField('description', a.description, b.description),
    ...diffRecord('config', { ...node.config, ...a.config }, { ...node.config, ...b.config }),
  ];
}

function diffNode(before: FlowNode, after: FlowNode): NodeDiff | undefined {
  const fields = NODE_FIELDS.flatMap((field) => diffField(field, before[field], after[field]));
  const variants = diffNodeVariants(before.variants ?? [], after.variants ?? []);
  // A default variant that follows its variant's rename is part of the rename, not a change of its own.
  const renamed = new Map(
    variants.flatMap((change) => ('renamedFrom' in change ? [[change.renamedFrom, change.name]] : [])),
  );
  const ownFields = fields.filter(
    (field) =>
      !(
        field.path === 'defaultVariant' &&
        field.kind === 'value' &&
        renamed.get(field.before as string) === field.after
      ),
  );
  const moved = !sameValue(before.position, after.position);
  const renamedFrom = before.id !== after.id ? before.id : undefined;
  if (ownFields.length === 0 && variants.length === 0 && !moved && !renamedFrom) return undefined;
  return {
    change: 'changed',
    id: after.id,
    type: after.type,
    ...(renamedFrom ? { renamedFrom } : {}),
    ...(moved
      ? {
          moved: {
            ...(before.position ? { before: before.position } : {}),
            ...(after.position ? { after: after.position } : {}),
          },
        }
      : {}),
    fields: ownFields,
    variants,
  };
}

function diffNodeVariants(before: readonly Variant[], after: readonly Variant[]): VariantDiff[] {
  const afterByName = new Map(after.map((variant) => [variant.name, variant]));
  const beforeByName = new Map(before.map((variant) => [variant.name, variant]));
  const removed = before.filter((variant) => !afterByName.has(variant.name));
  const added = after.filter((variant) => !beforeByName.has(variant.name));
  const changes: VariantDiff[] = [];
  // Renamed: a removed variant and an added one with the same content, paired in order.
  const renames = new Map<string, string>();
  for (const old of removed) {
    const match = added.find(
      (candidate) => ![...renames.values()].includes(candidate.name) && sameContent(old, candidate),
    );
    if (match) renames.set(old.name, match.name);
  }
  for (const old of removed) {
    if (!renames.has(old.name)) changes.push({ change: 'removed', name: old.name, variant: old });
  }
  for (const variant of after) {
    const renamedFrom = [...renames].find(([, name]) => name === variant.name)?.[0];
    if (renamedFrom) {
      changes.push({ change: 'changed', name: variant.name, renamedFrom, fields: [] });
      continue;
    }
    const old = beforeByName.get(variant.name);
    if (!old) {
      changes.push({ change: 'added', name: variant.name, variant });
      continue;
    }
    const fields = [
      ...diffField('description', old.description, variant.description),
      ...diffRecord('config', old.config, variant.config),
    ];
    if (fields.length > 0) changes.push({ change: 'changed', name: variant.name, fields });
  }
  return changes;
}

const sameContent = (a: Variant, b: Variant) => a.description === b.description && sameValue(a.config, b.config);

/** Removed nodes that reappear under another id with the same content (position aside): old id → new id. */
function findNodeRenames(before: readonly FlowNode[], after: readonly FlowNode[]): Map<string, string> {
  const afterIds = new Set(after.map((node) => node.id));
  const beforeIds = new Set(before.map((node) => node.id));
  const removed = before.filter((node) => !afterIds.has(node.id));
  const added = after.filter((node) => !beforeIds.has(node.id));
  const renames = new Map<string, string>();
  const taken = new Set<string>();
  for (const old of removed) {
    const match = added.find((node) => !taken.has(node.id) && sameValue(nodeContent(old), nodeContent(node)));
    if (match) {
      renames.set(old.id, match.id);
      taken.add(match.id);
    }
  }
  return renames;
}

/** What a node is, apart from its id and where it sits. */
function nodeContent(node: FlowNode): Omit<FlowNode, 'id' | 'position'> {
  const { id: _id, position: _position, ...content } = node;
  return content;
}

/** Edges added and removed; an edge that only follows a renamed node is neither. */
function diffEdges(
  before: readonly FlowEdge[],
  after: readonly FlowEdge[],
  renames: ReadonlyMap<string, string>,
): EdgeDiff[] {
  const follow = (reference: string) => {
    const { node, port } = parsePortReference(reference);
    return `${renames.get(node) ?? node}.${port}`;
  };
  const key = (edge: FlowEdge) => `${edge.from} -> ${edge.to}`;
  const renamedBefore = new Set(before.map((edge) => key({ from: follow(edge.from), to: follow(edge.to) })));
  const afterKeys = new Set(after.map(key));
  const changes: EdgeDiff[] = [];
  for (const edge of before) {
    if (!afterKeys.has(key({ from: follow(edge.from), to: follow(edge.to) }))) {
      changes.push({ change: 'removed', from: edge.from, to: edge.to });
    }
  }
  for (const edge of after) {
    if (!renamedBefore.has(key(edge))) changes.push({ change: 'added', from: edge.from, to: edge.to });
  }
  return changes;
}

function diffInterface<T extends FlowInput | FlowOutput>(
  before: Readonly<Record<string, T>>,
  after: Readonly<Record<string, T>>,
): InterfaceDiff<T>[] {
  const changes: InterfaceDiff<T>[] = [];
  for (const [name, declaration] of Object.entries(before)) {
    if (!(name in after)) changes.push({ change: 'removed', name, declaration });
  }
  for (const [name, declaration] of Object.entries(after)) {
    const old = before[name];
    if (old === undefined) {
      changes.push({ change: 'added', name, declaration });
      continue;
    }
    const fields = diffRecord('', old as Record<string, unknown>, declaration as Record<string, unknown>);
    if (fields.length > 0) changes.push({ change: 'changed', name, fields });
  }
  return changes;
}
