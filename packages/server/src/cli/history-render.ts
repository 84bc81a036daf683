import type { ChangeSummary } from '@groundwork/runtime/diff';
import { type Paint, painter } from './color.js';
import type { FlowHistory, HistoryEntry } from './flow-history.js';

/**
 * A flow's history for people, newest first: per version its number, time, labels (and which one the published
 * endpoint serves), its note, and what changed from the version before, grouped under the node it concerns.
 */
export function renderHistory(history: FlowHistory, options: { color: boolean }): string {
  const paint = painter(options.color);
  const count = history.versions.length;
  const { published } = history;
  const serves = `v${published.version}${published.label ? ` (label ${published.label})` : ' (the latest; no production label)'}`;
  const lines = [
    paint(
      'bold',
      `${history.flow.name}: ${count} version${count === 1 ? '' : 's'}; published endpoints serve ${serves}`,
    ),
  ];
  for (const entry of history.versions) {
    lines.push('');
    lines.push(versionLine(entry, published.version, paint));
    if (entry.note) lines.push(`    ${entry.note}`);
    lines.push(...changeLines(entry, paint));
  }
  return `${lines.join('\n')}\n`;
}

function versionLine(entry: HistoryEntry, published: number, paint: Paint): string {
  const labels = entry.labels.length ? `  [${entry.labels.join(', ')}]` : '';
  const mark = entry.version === published ? `  ${paint('green', '← published')}` : '';
  return `${paint(['bold', 'yellow'], `v${entry.version}`)}  ${time(entry.createdAt)}${labels}${mark}`;
}

function changeLines(entry: HistoryEntry, paint: Paint): string[] {
  if (entry.changes.length === 0) return [paint('dim', entry.version === 1 ? '    first version' : '    no changes')];
  const lines: string[] = [];
  const mark = (change: ChangeSummary) => {
    const marker = change.kind === 'added' ? '+' : change.kind === 'removed' ? '-' : '~';
    const color = change.kind === 'added' ? 'green' : change.kind === 'removed' ? 'red' : 'yellow';
    return `${paint(color, marker)} ${change.text}`;
  };
  for (const group of groupByNode(entry.changes)) {
    // A node added, removed or renamed is one line that names it already: no heading above it.
    const only = group.changes.length === 1 ? group.changes[0]! : undefined;
    const standsAlone = only && only.variant === undefined && only.kind !== 'changed' && only.kind !== 'moved';
    if (group.node === undefined || standsAlone) {
      for (const change of group.changes) lines.push(`    ${mark(change)}`);
      continue;
    }
    lines.push(`    node "${group.node}":`);
    for (const change of group.changes) lines.push(`      ${mark(change)}`);
  }
  return lines;
}

/** Neighbouring changes of the same node, in the order summarizeDiff gives them (flow, interface, nodes, edges). */
function groupByNode(changes: readonly ChangeSummary[]): { node: string | undefined; changes: ChangeSummary[] }[] {
  const groups: { node: string | undefined; changes: ChangeSummary[] }[] = [];
  for (const change of changes) {
    const last = groups.at(-1);
    if (last && last.node === change.node) last.changes.push(change);
    else groups.push({ node: change.node, changes: [change] });
  }
  return groups;
}

/** UTC to the second: `2026-11-22 10:31:05Z`. */
function time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
