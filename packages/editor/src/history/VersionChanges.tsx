import type { ChangeSummary } from '@groundwork/runtime/diff';
import { useState } from 'react';

/** Lines shown before "Show all": a version that rewrote the flow should not push the others off the panel. */
const SHOWN_LINES = 8;

const MARKS: Record<ChangeSummary['kind'], string> = {
  added: '+',
  removed: '−',
  renamed: '→',
  changed: '~',
  moved: '↔',
};

interface NodeGroup {
  node: string;
  lines: ChangeSummary[];
  variants: { variant: string; lines: ChangeSummary[] }[];
}

/** What a version changed from the one before it: flow-wide lines first, then one group per node and variant. */
export function VersionChanges({ version, changes }: { version: number; changes: readonly ChangeSummary[] }) {
  const [expanded, setExpanded] = useState(false);
  if (version === 1) return <p className="version-changes-none">First version.</p>;
  if (changes.length === 0) return <p className="version-changes-none">Same content as v{version - 1}.</p>;
  const shown = expanded ? changes : changes.slice(0, SHOWN_LINES);
  const { flowLines, nodes } = groupChanges(shown);
  return (
    <div className="version-changes" data-testid={`history-changes-${version}`}>
      {flowLines.length > 0 && <ChangeLines lines={flowLines} />}
      {nodes.map((group) => (
        <div key={group.node} className="change-group" data-node={group.node}>
          <span className="change-node">{group.node}</span>
          {group.lines.length > 0 && <ChangeLines lines={group.lines} />}
          {group.variants.map((variant) => (
            <div key={variant.variant} className="change-variant" data-variant={variant.variant}>
              <span className="change-variant-name">variant {variant.variant}</span>
              <ChangeLines lines={variant.lines} />
            </div>
          ))}
        </div>
      ))}
      {changes.length > SHOWN_LINES && (
        <button type="button" className="link" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer' : `Show all ${changes.length} changes`}
        </button>
      )}
    </div>
  );
}

function ChangeLines({ lines }: { lines: readonly ChangeSummary[] }) {
  return (
    <ul className="change-lines">
      {lines.map((line, index) => (
        // Two lines may read the same (two messages edited alike); their place tells them apart.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <li key={index} className={`change-line change-${line.kind}`}>
          <span className="change-mark" aria-hidden="true">
            {MARKS[line.kind]}
          </span>
          {lineText(line)}
        </li>
      ))}
    </ul>
  );
}

/** A variant's line under its variant's heading, without the `variant "x": ` it starts with in a flat list. */
function lineText(line: ChangeSummary): string {
  const prefix = `variant "${line.variant}": `;
  return line.variant !== undefined && line.text.startsWith(prefix) ? line.text.slice(prefix.length) : line.text;
}

export function groupChanges(changes: readonly ChangeSummary[]): { flowLines: ChangeSummary[]; nodes: NodeGroup[] } {
  const flowLines: ChangeSummary[] = [];
  const nodes = new Map<string, NodeGroup>();
  for (const line of changes) {
    if (line.node === undefined) {
      flowLines.push(line);
      continue;
    }
    let group = nodes.get(line.node);
    if (!group) {
      group = { node: line.node, lines: [], variants: [] };
      nodes.set(line.node, group);
    }
    if (line.variant === undefined) {
      group.lines.push(line);
      continue;
    }
    let variant = group.variants.find((candidate) => candidate.variant === line.variant);
    if (!variant) {
      variant = { variant: line.variant, lines: [] };
      group.variants.push(variant);
    }
    variant.lines.push(line);
  }
  return { flowLines, nodes: [...nodes.values()] };
}
