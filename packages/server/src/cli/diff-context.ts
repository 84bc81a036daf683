import { diffText, type FieldChange, type FlowDiff } from '@groundwork/runtime/diff';

/** Context lines around text changes when --context is not given: the runtime's default, as the API and editor show. */
export const DEFAULT_CONTEXT = 2;

/**
 * The same changes with every text diff recomputed to show `context` unchanged lines around each change (the
 * runtime diffs texts with its default), so --context applies alike to the rendered diff and to --json.
 */
export function withContext(diff: FlowDiff, context: number): FlowDiff {
  if (context === DEFAULT_CONTEXT) return diff;
  const fields = (changes: readonly FieldChange[]) => fieldsWithContext(changes, context);
  return {
    flow: fields(diff.flow),
    inputs: diff.inputs.map((change) =>
      change.change === 'changed' ? { ...change, fields: fields(change.fields) } : change,
    ),
    outputs: diff.outputs.map((change) =>
      change.change === 'changed' ? { ...change, fields: fields(change.fields) } : change,
    ),
    nodes: diff.nodes.map((node) =>
      node.change === 'changed'
        ? {
            ...node,
            fields: fields(node.fields),
            variants: node.variants.map((variant) =>
              variant.change === 'changed' ? { ...variant, fields: fields(variant.fields) } : variant,
            ),
          }
        : node,
    ),
    edges: diff.edges,
  };
}

export function fieldsWithContext(changes: readonly FieldChange[], context: number): FieldChange[] {
  return changes.map((change) =>
    change.kind === 'text' ? { ...change, diff: diffText(change.before, change.after, { context }) } : change,
  );
}
