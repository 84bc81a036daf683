import type { TextChange, TextHunk, TextLine, TextRow } from '@groundwork/runtime/diff';
import { Fragment } from 'react';
import { useDiffSides } from './sides.js';

/**
 * A text (template, expression, description) before and after, side by side: line numbers, one row per line pair,
 * the changed words marked (`<mark data-diff="removed">` on the left, `added` on the right), unchanged stretches
 * between hunks folded into a gap row.
 */
export function TextDiffView({ change }: { change: TextChange }) {
  const sides = useDiffSides();
  const { hunks } = change.diff;
  const total = lineCount(change.before);
  const above = hunks[0] ? firstLine(hunks[0]) - 1 : 0;
  const below = hunks.length > 0 ? total - lastLine(hunks.at(-1)!) : 0;
  return (
    <table className="text-diff" data-testid="text-diff" data-path={change.path}>
      <colgroup>
        <col className="text-diff-number" />
        <col />
        <col className="text-diff-number" />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th colSpan={2}>{sides.before}</th>
          <th colSpan={2}>{sides.after}</th>
        </tr>
      </thead>
      <tbody>
        {above > 0 && <GapRow hidden={above} />}
        {hunks.map((hunk, index) => (
          // Hunks have no identity beyond their place; the list is rebuilt whole when the diff changes.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <Fragment key={index}>
            {index > 0 && <GapRow hidden={firstLine(hunk) - lastLine(hunks[index - 1]!) - 1} />}
            {hunk.rows.map((row) => (
              <DiffRow key={`${row.before?.line ?? '-'}:${row.after?.line ?? '-'}`} row={row} />
            ))}
          </Fragment>
        ))}
        {below > 0 && <GapRow hidden={below} />}
      </tbody>
    </table>
  );
}

function GapRow({ hidden }: { hidden: number }) {
  return (
    <tr className="text-diff-gap" data-testid="text-diff-gap">
      <td colSpan={4}>{hidden > 0 ? `⋯ ${hidden} unchanged line${hidden === 1 ? '' : 's'}` : '⋯'}</td>
    </tr>
  );
}

function DiffRow({ row }: { row: TextRow }) {
  const changed = !row.before || !row.after || hasChanges(row.before) || hasChanges(row.after);
  return (
    <tr className={changed ? 'text-diff-row changed' : 'text-diff-row'}>
      <Side line={row.before} kind="removed" />
      <Side line={row.after} kind="added" />
    </tr>
  );
}

function Side({ line, kind }: { line: TextLine | undefined; kind: 'removed' | 'added' }) {
  if (!line) {
    return (
      <>
        <td className="text-diff-number" />
        <td className="text-diff-text empty" />
      </>
    );
  }
  return (
    <>
      <td className="text-diff-number">{line.line}</td>
      <td className={`text-diff-text side-${kind}`}>
        {line.segments.map((segment, index) =>
          segment.changed ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
            <mark key={index} data-diff={kind}>
              {segment.text}
            </mark>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
            <Fragment key={index}>{segment.text}</Fragment>
          ),
        )}
      </td>
    </>
  );
}

const hasChanges = (line: TextLine) => line.segments.some((segment) => segment.changed);

/** Lines of a text, a final line break not starting another (as the diff counts them). */
function lineCount(text: string): number {
  if (text === '') return 0;
  const lines = text.split('\n');
  return lines.at(-1) === '' ? lines.length - 1 : lines.length;
}

/**
 * The before-side lines a hunk starts and ends at, to count the unchanged lines folded around it (a hunk of added
 * lines only, which has none, is placed by its after-side lines).
 */
function firstLine(hunk: TextHunk): number {
  for (const row of hunk.rows) if (row.before) return row.before.line;
  return hunk.rows[0]?.after?.line ?? 1;
}

function lastLine(hunk: TextHunk): number {
  for (let index = hunk.rows.length - 1; index >= 0; index--) {
    const before = hunk.rows[index]!.before;
    if (before) return before.line;
  }
  return (hunk.rows.at(-1)?.after?.line ?? 1) - 1;
}
