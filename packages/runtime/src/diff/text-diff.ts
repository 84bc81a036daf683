import { diffLines, diffWordsWithSpace } from 'diff';

/** A run of one side's text: `changed` when the other side does not have it there. */
export interface TextSegment {
  text: string;
  changed: boolean;
}

/** One side of a row: a line number (from 1) and the line's text in segments. */
export interface TextLine {
  line: number;
  segments: TextSegment[];
}

/**
 * One row of a side-by-side view. A context row has both sides, unchanged; a changed row has the old line, the new
 * one, or both (a line edited in place, its changed words marked).
 */
export interface TextRow {
  before?: TextLine;
  after?: TextLine;
}

/** Changed rows with up to `context` unchanged lines around them. */
export interface TextHunk {
  rows: TextRow[];
}

export interface TextDiff {
  hunks: TextHunk[];
  /** Words (and whitespace runs) removed and added, for a one-line summary ("3 words changed"). */
  removedWords: number;
  addedWords: number;
}

export interface TextDiffOptions {
  /** Unchanged lines shown around each change (default 2). */
  context?: number;
}

/** Beyond this many edits a block is shown as whole lines removed and added, not word by word. */
const MAX_WORD_EDITS = 2000;

/**
 * A word-level diff of two texts with line context: lines are matched first, then the words of each block of
 * changed lines, so an edited line shows as one row with the changed words marked on each side.
 */
export function diffText(before: string, after: string, options: TextDiffOptions = {}): TextDiff {
  const context = options.context ?? 2;
  const rows: (TextRow & { changed: boolean })[] = [];
  const counts = { removedWords: 0, addedWords: 0 };
  const lineNumbers = { before: 1, after: 1 };
  const blocks = diffLines(before, after);
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    if (!block.added && !block.removed) {
      for (const text of splitLines(block.value)) {
        rows.push({
          changed: false,
          before: { line: lineNumbers.before++, segments: [{ text, changed: false }] },
          after: { line: lineNumbers.after++, segments: [{ text, changed: false }] },
        });
      }
      continue;
    }
    // A removed block followed by an added one is an edit: compare their words.
    let removed = '';
    let added = '';
    if (block.removed) {
      removed = block.value;
      const next = blocks[index + 1];
      if (next?.added) {
        added = next.value;
        index++;
      }
    } else added = block.value;
    const [beforeLines, afterLines] = wordDiffLines(removed, added, counts);
    for (let row = 0; row < Math.max(beforeLines.length, afterLines.length); row++) {
      const pair: TextRow & { changed: boolean } = { changed: true };
      if (row < beforeLines.length) pair.before = { line: lineNumbers.before++, segments: beforeLines[row]! };
      if (row < afterLines.length) pair.after = { line: lineNumbers.after++, segments: afterLines[row]! };
      rows.push(pair);
    }
  }
  return { hunks: hunksOf(rows, context), ...counts };
}

/** The lines of a block, without the final line break (a block ends with one unless it ends the text). */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The two sides of an edited block as lines of segments, the changed words marked. */
function wordDiffLines(
  removed: string,
  added: string,
  counts: { removedWords: number; addedWords: number },
): [TextSegment[][], TextSegment[][]] {
  const words =
    removed !== '' && added !== '' ? diffWordsWithSpace(removed, added, { maxEditLength: MAX_WORD_EDITS }) : undefined;
  if (!words) {
    // One side is empty, or the block is too different to compare word by word: whole lines.
    counts.removedWords += countWords(removed);
    counts.addedWords += countWords(added);
    const whole = (text: string) => splitLines(text).map((line) => [{ text: line, changed: true }]);
    return [whole(removed), whole(added)];
  }
  const before = new SideBuilder();
  const after = new SideBuilder();
  for (const part of words) {
    if (part.removed) counts.removedWords += countWords(part.value);
    if (part.added) counts.addedWords += countWords(part.value);
    if (!part.added) before.push(part.value, part.removed);
    if (!part.removed) after.push(part.value, part.added);
  }
  return [before.lines(), after.lines()];
}

/** Words in a run of text: pieces between spaces with a letter or digit in them (punctuation alone is not a word). */
function countWords(text: string): number {
  return text.split(/\s+/).filter((piece) => /[\p{L}\p{N}]/u.test(piece)).length;
}

/** Collects segments into lines, splitting at line breaks and merging neighbours of the same kind. */
class SideBuilder {
  private readonly done: TextSegment[][] = [];
  private current: TextSegment[] = [];

  push(text: string, changed: boolean): void {
    const pieces = text.split('\n');
    pieces.forEach((piece, index) => {
      if (index > 0) {
        this.done.push(this.current);
        this.current = [];
      }
      if (piece === '') return;
      const last = this.current.at(-1);
      if (last && last.changed === changed) last.text += piece;
      else this.current.push({ text: piece, changed });
    });
  }

  lines(): TextSegment[][] {
    // A block ends with a line break, which leaves an empty last line; a last line without one is kept.
    return this.current.length > 0 ? [...this.done, this.current] : this.done;
  }
}

/** The changed rows with `context` rows around them, neighbours closer than that joined into one hunk. */
function hunksOf(rows: readonly (TextRow & { changed: boolean })[], context: number): TextHunk[] {
  const hunks: TextHunk[] = [];
  let start = -1;
  let end = -1;
  const flush = () => {
    if (start < 0) return;
    hunks.push({ rows: rows.slice(start, end + 1).map(({ changed: _, ...row }) => row) });
    start = -1;
  };
  rows.forEach((row, index) => {
    if (!row.changed) return;
    const from = Math.max(0, index - context);
    if (start >= 0 && from > end + 1) flush();
    if (start < 0) start = from;
    end = Math.min(rows.length - 1, index + context);
  });
  flush();
  return hunks;
}
