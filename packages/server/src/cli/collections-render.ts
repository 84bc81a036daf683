import type { Collection, SearchPassage } from '../collections/collections.schemas.js';
import type { Paint } from './color.js';

/** Pads each column but the last to its widest cell. */
function table(titles: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = titles.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return `${[line(titles), ...rows.map(line)].join('\n')}\n`;
}

export function collectionTable(collections: readonly Collection[]): string {
  return table(
    ['NAME', 'ID', 'DOCUMENTS', 'CHUNKS', 'CHUNK SIZE', 'EMBEDDING MODEL'],
    collections.map((collection) => [
      collection.name,
      collection.id,
      String(collection.documentCount),
      String(collection.chunkCount),
      `${collection.chunkSize}/${collection.chunkOverlap}`,
      collection.embeddingModel ?? '-',
    ]),
  );
}

/**
 * Search results, best first: a line per passage (rank, score, source, heading) and its text on one line, shortened
 * around the first match, with the query's terms painted when the output is coloured.
 */
export function passageList(passages: readonly SearchPassage[], paint: Paint, width = 200): string {
  return passages
    .map((passage, index) => {
      const where = passage.heading ? `${passage.source} › ${passage.heading}` : passage.source;
      const ranks = [
        passage.keywordRank ? `keyword #${passage.keywordRank}` : '',
        passage.vectorRank ? `vector #${passage.vectorRank}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      const head = `${String(index + 1).padStart(2)}. ${passage.score.toFixed(4)}  ${paint('bold', where)}${ranks ? `  (${ranks})` : ''}`;
      return `${head}\n    ${excerpt(passage, paint, width)}\n`;
    })
    .join('');
}

function excerpt(passage: SearchPassage, paint: Paint, width: number): string {
  const text = passage.text;
  const first = passage.highlights[0]?.start ?? 0;
  const from = text.length <= width || first < width / 3 ? 0 : Math.max(0, first - Math.floor(width / 3));
  const to = Math.min(text.length, from + width);
  let shown = '';
  let at = from;
  for (const span of passage.highlights) {
    if (span.start < at || span.end > to) continue;
    shown += text.slice(at, span.start) + paint(['bold', 'yellow'], text.slice(span.start, span.end));
    at = span.end;
  }
  shown += text.slice(at, to);
  return `${from > 0 ? '…' : ''}${shown.replace(/\s+/g, ' ').trim()}${to < text.length ? '…' : ''}`;
}
