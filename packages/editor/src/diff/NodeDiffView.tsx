import type { NodeDiff } from '@groundwork/runtime/diff';
import type { FlowNode, Position } from '@groundwork/runtime/schema';
import { ChangeBadge } from './ChangeBadge.js';
import { ContentPreview } from './ContentPreview.js';
import { FieldChangeList } from './FieldChangeList.js';
import { VariantDiffList } from './VariantDiffList.js';

/** One node's change: what happened to it (badges), its changed fields, and its variants' changes. */
export function NodeDiffView({ change }: { change: NodeDiff }) {
  return (
    <article
      className={`diff-node change-${change.change}`}
      data-testid={`diff-node-${change.id}`}
      data-change={change.change}
    >
      <header className="diff-node-head">
        <span className="diff-node-id">{change.id}</span>
        <span className="diff-node-type">{change.type}</span>
        <NodeBadges change={change} />
      </header>
      {change.change === 'changed' ? (
        <>
          <FieldChangeList changes={change.fields} />
          <VariantDiffList nodeId={change.id} variants={change.variants} />
        </>
      ) : (
        <details className="diff-node-content" open={change.change === 'added'}>
          <summary>{change.change === 'added' ? 'What it holds' : 'What it held'}</summary>
          <ContentPreview side={change.change} entries={nodeEntries(change.node)} />
        </details>
      )}
    </article>
  );
}

function NodeBadges({ change }: { change: NodeDiff }) {
  if (change.change !== 'changed') return <ChangeBadge kind={change.change} />;
  return (
    <>
      {change.renamedFrom && <ChangeBadge kind="renamed">renamed from {change.renamedFrom}</ChangeBadge>}
      {change.moved && <ChangeBadge kind="moved" title={describeMove(change.moved)} />}
      {(change.fields.length > 0 || change.variants.length > 0) && <ChangeBadge kind="changed" />}
    </>
  );
}

/** `from (120, 40) to (300, 80)`. */
export function describeMove(moved: { before?: Position; after?: Position }): string {
  const at = (position: Position | undefined) =>
    position ? `(${Math.round(position.x)}, ${Math.round(position.y)})` : 'no position';
  return `from ${at(moved.before)} to ${at(moved.after)}`;
}

function nodeEntries(node: FlowNode): [string, unknown][] {
  const fallback = node.defaultVariant ?? node.variants?.[0]?.name;
  return [
    ['title', node.title],
    ['description', node.description],
    ...Object.entries(node.config ?? {}),
    [
      'variants',
      node.variants?.length
        ? node.variants
            .map((variant) => (variant.name === fallback ? `${variant.name} (default)` : variant.name))
            .join(', ')
        : undefined,
    ],
  ];
}
