import type { TextDiff, TextLine, TextRow, TextSegment } from '@groundwork/runtime/diff';
import { type Paint, painter } from './color.js';

/**
 * A word-level text diff as lines for a terminal or a pipe, each line: a marker, the old and the new line number,
 * the text. Unchanged context lines are marked with a space, removed lines `-`, added lines `+`; hunks are
 * separated by a `…` line.
 *
 * - In colour, an edited line shows as its old line (red) and its new one (green), the changed words in inverse.
 * - Without colour, changed words are marked as git's --word-diff does, `[-old-]{+new+}`, so a pipe or a log keeps
 *   them visible; a line edited in place shows once, marked `~`, with both its old and new words in it.
 */
export function renderTextDiff(diff: TextDiff, options: { color: boolean; indent?: string }): string[] {
  const paint = painter(options.color);
  const indent = options.indent ?? '';
  const width = String(lastLineNumber(diff)).length;
  const number = (line: TextLine | undefined) => (line ? String(line.line) : '').padStart(width);
  const out: string[] = [];
  diff.hunks.forEach((hunk, index) => {
    if (index > 0) out.push(`${indent}  ${paint('dim', '…')}`);
    for (const row of hunk.rows) {
      for (const line of renderRow(row, paint, options.color)) {
        const gutter = `${indent}${line.marker} ${number(line.before)} ${number(line.after)}`;
        out.push(line.text === '' ? gutter.trimEnd() : `${gutter}  ${line.text}`);
      }
    }
  });
  return out;
}

interface RenderedLine {
  marker: string;
  before?: TextLine;
  after?: TextLine;
  text: string;
}

function renderRow(row: TextRow, paint: Paint, color: boolean): RenderedLine[] {
  const { before, after } = row;
  if (before && after && !hasChange(before) && !hasChange(after)) {
    return [{ marker: ' ', before, after, text: plainText(before.segments) }];
  }
  if (!color && before && after) {
    const merged =
      mergeSegments(foldSpaces(before.segments), foldSpaces(after.segments)) ??
      mergeSegments(before.segments, after.segments);
    if (merged !== undefined) return [{ marker: '~', before, after, text: merged }];
  }
  const lines: RenderedLine[] = [];
  if (before) {
    const text = color
      ? paint(
          'red',
          sideText(before.segments, (changed) => paint('inverse', changed)),
        )
      : sideText(before.segments, (changed) => `[-${changed}-]`);
    lines.push({ marker: color ? paint('red', '-') : '-', before, text });
  }
  if (after) {
    const text = color
      ? paint(
          'green',
          sideText(after.segments, (changed) => paint('inverse', changed)),
        )
      : sideText(after.segments, (changed) => `{+${changed}+}`);
    lines.push({ marker: color ? paint('green', '+') : '+', after, text });
  }
  return lines;
}

/**
 * One side's text with its changed words marked. A line that shares no words with the other side (all of it
 * changed, or all but spaces) is left unmarked: its `-` or `+` says it all.
 */
function sideText(segments: readonly TextSegment[], mark: (text: string) => string): string {
  if (keptText(segments).trim() === '') return plainText(segments);
  return foldSpaces(segments)
    .map((segment) => (segment.changed ? mark(segment.text) : segment.text))
    .join('');
}

/**
 * Both sides of an edited line as one, `unchanged [-old-]{+new+} unchanged`, when they share their unchanged text
 * (an edit in place); undefined when they do not, or share only spaces (lines of a block paired by position that
 * are not the same line, a line rewritten), which then show as a `-` and a `+` line.
 */
export function mergeSegments(before: readonly TextSegment[], after: readonly TextSegment[]): string | undefined {
  const kept = keptText(before);
  if (kept.trim() === '' || kept !== keptText(after)) return undefined;
  // Each side's segments are consumed in step: changed runs are written as markers, and the shared unchanged text
  // as far as both sides have it (one side may split it where the other does not).
  const copy = (segments: readonly TextSegment[]) =>
    segments.filter((segment) => segment.text !== '').map((segment) => ({ ...segment }));
  const left = copy(before);
  const right = copy(after);
  let text = '';
  while (left.length > 0 || right.length > 0) {
    let removed = '';
    while (left[0]?.changed) removed += left.shift()!.text;
    let added = '';
    while (right[0]?.changed) added += right.shift()!.text;
    if (removed) text += `[-${removed}-]`;
    if (added) text += `{+${added}+}`;
    const [l, r] = [left[0], right[0]];
    // With the same unchanged text on both sides, one side runs out only where the other has ended too.
    if (!l || !r) break;
    const common = Math.min(l.text.length, r.text.length);
    text += l.text.slice(0, common);
    l.text = l.text.slice(common);
    r.text = r.text.slice(common);
    if (l.text === '') left.shift();
    if (r.text === '') right.shift();
  }
  return text;
}

/**
 * Joins changed words separated only by unchanged spaces into one change (`[-one sentence-]`, not
 * `[-one-] [-sentence-]`), as git's word diff shows them.
 */
export function foldSpaces(segments: readonly TextSegment[]): TextSegment[] {
  const folded: TextSegment[] = [];
  segments.forEach((segment, index) => {
    const last = folded.at(-1);
    const between = !segment.changed && /^\s+$/.test(segment.text) && last?.changed && segments[index + 1]?.changed;
    if (last?.changed && (segment.changed || between)) last.text += segment.text;
    else folded.push({ ...segment });
  });
  return folded;
}

/** The text a side keeps from the other: its unchanged segments. */
function keptText(segments: readonly TextSegment[]): string {
  return segments
    .filter((segment) => !segment.changed)
    .map((segment) => segment.text)
    .join('');
}

function hasChange(line: TextLine): boolean {
  return line.segments.some((segment) => segment.changed);
}

function plainText(segments: readonly TextSegment[]): string {
  return segments.map((segment) => segment.text).join('');
}

function lastLineNumber(diff: TextDiff): number {
  let last = 1;
  for (const hunk of diff.hunks)
    for (const row of hunk.rows) last = Math.max(last, row.before?.line ?? 0, row.after?.line ?? 0);
  return last;
}
