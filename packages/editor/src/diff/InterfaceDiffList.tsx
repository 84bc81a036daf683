import type { InterfaceDiff } from '@groundwork/runtime/diff';
import type { FlowInput, FlowOutput } from '@groundwork/runtime/schema';
import { ChangeBadge } from './ChangeBadge.js';
import { ContentPreview } from './ContentPreview.js';
import { FieldChangeList } from './FieldChangeList.js';

/** The flow's declared inputs or outputs that were added, removed or changed. */
export function InterfaceDiffList({
  side,
  changes,
}: {
  side: 'input' | 'output';
  changes: readonly InterfaceDiff<FlowInput | FlowOutput>[];
}) {
  return (
    <div className="diff-interface">
      {changes.map((change) => (
        <article
          key={`${change.change}:${change.name}`}
          className={`diff-node change-${change.change}`}
          data-testid={`diff-${side}-${change.name}`}
          data-change={change.change}
        >
          <header className="diff-node-head">
            <span className="diff-node-id">{change.name}</span>
            <span className="diff-node-type">{change.change === 'changed' ? side : change.declaration.type}</span>
            <ChangeBadge kind={change.change} />
          </header>
          {change.change === 'changed' ? (
            <FieldChangeList changes={change.fields} />
          ) : (
            <ContentPreview side={change.change} entries={Object.entries(change.declaration)} />
          )}
        </article>
      ))}
    </div>
  );
}
