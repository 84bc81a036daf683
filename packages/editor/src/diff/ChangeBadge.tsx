import type { ReactNode } from 'react';

export type ChangeKind = 'added' | 'removed' | 'renamed' | 'moved' | 'changed';

/** A coloured word saying what happened to a node, variant or declaration. */
export function ChangeBadge({ kind, title, children }: { kind: ChangeKind; title?: string; children?: ReactNode }) {
  return (
    <span className={`change-badge change-badge-${kind}`} data-testid="diff-status" title={title}>
      {children ?? kind}
    </span>
  );
}
