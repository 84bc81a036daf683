import type { FieldChange } from './field-diff.js';
import type { FlowDiff, VariantDiff } from './flow-diff.js';

/** One line of a version's "what changed", attached to the node (and variant) it concerns, if any. */
export interface ChangeSummary {
  kind: 'added' | 'removed' | 'renamed' | 'changed' | 'moved';
  node?: string;
  variant?: string;
  /** A sentence for people: `temperature 0 → 0.7`, `edited template (2 words removed, 3 added)`. */
  text: string;
}

/**
 * The diff as short lines, per node and per variant: what a history lists under each version. Moves are counted in
 * one line, since they change how the flow looks, not what it does.
 */
export function summarizeDiff(diff: FlowDiff): ChangeSummary[] {
  const lines: ChangeSummary[] = [];
  for (const field of diff.flow) {
    lines.push({
      kind: 'changed',
      text: field.path === 'name' ? `renamed the flow ${describeField(field)}` : describeField(field),
    });
  }
  for (const [side, changes] of [
    ['input', diff.inputs],
    ['output', diff.outputs],
  ] as const) {
    for (const change of changes) {
      if (change.change === 'changed') {
        for (const field of change.fields) {
          lines.push({ kind: 'changed', text: `${side} "${change.name}": ${describeField(field)}` });
        }
      } else {
        lines.push({
          kind: change.change,
          text: `${change.change} ${side} "${change.name}" (${change.declaration.type})`,
        });
      }
    }
  }
  let moved = 0;
  for (const change of diff.nodes) {
    const node = change.id;
    if (change.change !== 'changed') {
      lines.push({ kind: change.change, node, text: `${change.change} ${change.type} node "${node}"` });
      continue;
    }
    if (change.renamedFrom)
      lines.push({ kind: 'renamed', node, text: `renamed node "${change.renamedFrom}" to "${node}"` });
    if (change.moved) moved++;
    for (const field of change.fields) lines.push({ kind: 'changed', node, text: describeField(field) });
    for (const variant of change.variants) lines.push(...summarizeVariant(node, variant));
  }
  for (const edge of diff.edges) {
    lines.push({
      kind: edge.change,
      text: `${edge.change === 'added' ? 'connected' : 'disconnected'} ${edge.from} → ${edge.to}`,
    });
  }
  if (moved > 0) lines.push({ kind: 'moved', text: `moved ${moved} node${moved === 1 ? '' : 's'}` });
  return lines;
}

function summarizeVariant(node: string, change: VariantDiff): ChangeSummary[] {
  const variant = change.name;
  if (change.change !== 'changed')
    return [{ kind: change.change, node, variant, text: `${change.change} variant "${variant}"` }];
  const lines: ChangeSummary[] = [];
  if (change.renamedFrom) {
    lines.push({ kind: 'renamed', node, variant, text: `renamed variant "${change.renamedFrom}" to "${variant}"` });
  }
  for (const field of change.fields) {
    lines.push({ kind: 'changed', node, variant, text: `variant "${variant}": ${describeField(field)}` });
  }
  return lines;
}

/** `temperature 0 → 0.7`, `set title "Ask"`, `edited template (1 word removed, 2 added)`. */
export function describeField(field: FieldChange): string {
  const name = field.path.replace(/^config\./, '');
  if (field.kind === 'text') return `edited ${name} (${wordCounts(field.diff.removedWords, field.diff.addedWords)})`;
  if (field.before === undefined) return `set ${name} to ${formatDiffValue(field.after)}`;
  if (field.after === undefined) return `unset ${name} (was ${formatDiffValue(field.before)})`;
  return `${name} ${formatDiffValue(field.before)} → ${formatDiffValue(field.after)}`;
}

/** `2 words removed, 3 added`, `1 word added`, `whitespace only`. */
function wordCounts(removed: number, added: number): string {
  const words = (count: number) => `${count} word${count === 1 ? '' : 's'}`;
  if (removed && added) return `${words(removed)} removed, ${added} added`;
  if (removed) return `${words(removed)} removed`;
  if (added) return `${words(added)} added`;
  return 'whitespace only';
}

/** A value in a line of text: numbers and booleans as they are, anything else as compact JSON, cut at 60 characters. */
export function formatDiffValue(value: unknown): string {
  const text =
    typeof value === 'number' || typeof value === 'boolean' ? String(value) : (JSON.stringify(value) ?? 'nothing');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
