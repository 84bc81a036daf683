import { describeField, type FieldChange } from '@groundwork/runtime/diff';
import { TextDiffView } from './TextDiffView.js';
import { FieldPath, ValueChangeRow } from './ValueChangeRow.js';

/** Field changes one under the other: values as `path: before → after`, texts as side-by-side word diffs. */
export function FieldChangeList({ changes }: { changes: readonly FieldChange[] }) {
  if (changes.length === 0) return null;
  return (
    <ul className="diff-fields">
      {changes.map((change) =>
        change.kind === 'value' ? (
          <ValueChangeRow key={change.path} change={change} />
        ) : (
          <li key={change.path} className="diff-field text-change" data-testid="diff-text" data-path={change.path}>
            <div className="text-change-head">
              <FieldPath path={change.path} />
              <span className="muted">{wordCounts(change)}</span>
            </div>
            <TextDiffView change={change} />
          </li>
        ),
      )}
    </ul>
  );
}

/** `1 word added`: the part of describeField's sentence in brackets. */
function wordCounts(change: FieldChange): string {
  return /\(([^)]*)\)$/.exec(describeField(change))?.[1] ?? '';
}
