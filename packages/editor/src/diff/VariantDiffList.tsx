import type { VariantDiff } from '@groundwork/runtime/diff';
import { ChangeBadge } from './ChangeBadge.js';
import { ContentPreview } from './ContentPreview.js';
import { FieldChangeList } from './FieldChangeList.js';

/** A node's variants that were added, removed, renamed or edited, each with its field changes. */
export function VariantDiffList({ nodeId, variants }: { nodeId: string; variants: readonly VariantDiff[] }) {
  if (variants.length === 0) return null;
  return (
    <div className="diff-variants">
      {variants.map((change) => (
        <section
          key={`${change.change}:${change.name}`}
          className={`diff-variant change-${change.change}`}
          data-testid={`diff-variant-${nodeId}-${change.name}`}
          data-change={change.change}
        >
          <header className="diff-variant-head">
            <span className="diff-variant-label">variant</span>
            <strong>{change.name}</strong>
            <VariantBadges change={change} />
          </header>
          {change.change === 'changed' ? (
            <FieldChangeList changes={change.fields} />
          ) : (
            <ContentPreview
              side={change.change}
              entries={[['description', change.variant.description], ...Object.entries(change.variant.config)]}
            />
          )}
        </section>
      ))}
    </div>
  );
}

function VariantBadges({ change }: { change: VariantDiff }) {
  if (change.change !== 'changed') return <ChangeBadge kind={change.change} />;
  return (
    <>
      {change.renamedFrom && <ChangeBadge kind="renamed">renamed from {change.renamedFrom}</ChangeBadge>}
      {change.fields.length > 0 && <ChangeBadge kind="changed" />}
    </>
  );
}
