import { splitSentences } from '../evaluators/groundedness/sentences.js';
import { DOCUMENT_FORMATS, DocumentError, type DocumentFormat, type Heading } from './document-format.js';
import { htmlToText } from './html-text.js';
import { markdownHeadings } from './markdown-headings.js';

/** A span of a document's plain text: `text === document.slice(start, end)`, never starting or ending in spaces. */
export interface Chunk {
  index: number;
  text: string;
  start: number;
  end: number;
  /** The path of headings it sits under ("Install > From npm"), or null before the first heading. */
  heading: string | null;
}

export interface ChunkOptions {
  format: DocumentFormat;
  /** Target characters per chunk: 100 to 20000, default 1000. */
  size?: number;
  /** Characters repeated from the end of the previous chunk of the same section: 0 to under size / 2, default 150. */
  overlap?: number;
}

export const CHUNK_SIZE = { default: 1000, min: 100, max: 20_000 } as const;
export const CHUNK_OVERLAP_DEFAULT = 150;

/** A piece a chunk is made of: a sentence, or a word-boundary part of a sentence longer than the chunk size. */
interface Unit {
  start: number;
  end: number;
  whole: boolean;
}

/**
 * Splits a document into chunks for search. HTML is read into its visible text first; Markdown and plain text are
 * kept as they are. A heading starts a new chunk (chunks never cross one), chunks end at sentence ends, a sentence
 * longer than `size` is split between words, and each chunk after the first of a section starts with whole
 * sentences from the end of the previous one, up to `overlap` characters.
 */
export function chunkDocument(content: string, options: ChunkOptions): { text: string; chunks: Chunk[] } {
  const { format, size, overlap } = checkOptions(options);
  if (!content.trim()) throw new DocumentError('the document is empty');
  const { text, headings } =
    format === 'html'
      ? htmlToText(content)
      : { text: content, headings: format === 'markdown' ? markdownHeadings(content) : [] };
  if (!text.trim()) throw new DocumentError('the document is empty (it has no visible text)');
  const chunks: Chunk[] = [];
  for (const section of sectionsOf(text, headings)) {
    const units = splitSentences(text.slice(section.start, section.end)).flatMap((sentence) =>
      unitsOf(text, section.start + sentence.start, section.start + sentence.end, size),
    );
    for (const span of pack(units, size, overlap)) {
      chunks.push({ index: chunks.length, text: text.slice(span.start, span.end), ...span, heading: section.path });
    }
  }
  return { text, chunks };
}

function checkOptions(options: ChunkOptions): Required<ChunkOptions> {
  if (!DOCUMENT_FORMATS.includes(options.format)) {
    throw new RangeError(`format must be one of ${DOCUMENT_FORMATS.join(', ')} (got ${String(options.format)})`);
  }
  const size = options.size ?? CHUNK_SIZE.default;
  if (!Number.isInteger(size) || size < CHUNK_SIZE.min || size > CHUNK_SIZE.max) {
    throw new RangeError(
      `size must be a whole number of characters from ${CHUNK_SIZE.min} to ${CHUNK_SIZE.max} (got ${size})`,
    );
  }
  const overlap = options.overlap ?? Math.min(CHUNK_OVERLAP_DEFAULT, Math.ceil(size / 2) - 1);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap * 2 >= size) {
    throw new RangeError(
      `overlap must be a whole number of characters from 0 to less than half the chunk size (got ${overlap} with size ${size})`,
    );
  }
  return { format: options.format, size, overlap };
}

/** The text between headings, each with the path of headings above it; a heading line belongs to its section. */
function sectionsOf(text: string, headings: readonly Heading[]): { start: number; end: number; path: string | null }[] {
  const sections: { start: number; end: number; path: string | null }[] = [];
  const stack: Heading[] = [];
  let start = 0;
  let path: string | null = null;
  for (const heading of headings) {
    if (heading.start > start) sections.push({ start, end: heading.start, path });
    while (stack.length > 0 && stack.at(-1)!.level >= heading.level) stack.pop();
    stack.push(heading);
    path = stack.map((entry) => entry.title).join(' > ');
    start = heading.start;
  }
  sections.push({ start, end: text.length, path });
  return sections;
}

/** A sentence as it is, or cut between words into parts of at most `size` characters (mid-word only if a word is). */
function unitsOf(text: string, start: number, end: number, size: number): Unit[] {
  if (end - start <= size) return [{ start, end, whole: true }];
  const units: Unit[] = [];
  let from = start;
  while (from < end) {
    let to = Math.min(end, from + size);
    if (to < end) {
      const window = text.slice(from, to + 1);
      const space = window.search(/\s\S*$/);
      if (space > 0) to = from + space;
    }
    let trimmed = to;
    while (trimmed > from && /\s/.test(text[trimmed - 1]!)) trimmed--;
    units.push({ start: from, end: trimmed, whole: false });
    from = to;
    while (from < end && /\s/.test(text[from]!)) from++;
  }
  return units;
}

/** Greedy packing of units into spans of at most `size` characters, each after the first opening with overlap. */
function pack(units: readonly Unit[], size: number, overlap: number): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let first = 0;
  while (first < units.length) {
    let last = first;
    while (last + 1 < units.length && units[last + 1]!.end - units[first]!.start <= size) last++;
    spans.push({ start: units[first]!.start, end: units[last]!.end });
    if (last + 1 >= units.length) break;
    // The next chunk repeats whole sentences from this one's end that fit in `overlap` and leave room for new text.
    const next = units[last + 1]!;
    let from = last + 1;
    while (
      from - 1 > first &&
      units[from - 1]!.whole &&
      units[last]!.end - units[from - 1]!.start <= overlap &&
      next.end - units[from - 1]!.start <= size
    ) {
      from--;
    }
    first = from;
  }
  return spans;
}
