import { describe, expect, it } from 'vitest';
import { type Chunk, chunkDocument } from './chunk-document.js';
import { DocumentError, detectDocumentFormat } from './document-format.js';

/** Every chunk is its span of the plain text, trimmed, in order. */
function expectExactSpans(text: string, chunks: readonly Chunk[]): void {
  chunks.forEach((chunk, index) => {
    expect(chunk.index).toBe(index);
    expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    expect(chunk.text).toBe(chunk.text.trim());
    expect(chunk.text.length).toBeGreaterThan(0);
    if (index > 0) expect(chunk.start).toBeGreaterThanOrEqual(chunks[index - 1]!.start);
  });
}

const sentence = (n: number) => `Sentence number ${n} talks about the subject at some length here.`;

describe('chunkDocument on plain text', () => {
  it('keeps a short document in one chunk with no heading', () => {
    const { text, chunks } = chunkDocument('  One sentence. Another one.\n', { format: 'text' });
    expect(text).toBe('  One sentence. Another one.\n');
    expect(chunks).toEqual([{ index: 0, text: 'One sentence. Another one.', start: 2, end: 28, heading: null }]);
  });

  it('ends chunks at sentence ends, within the size, repeating whole sentences as overlap', () => {
    const content = Array.from({ length: 12 }, (_, n) => sentence(n + 1)).join(' ');
    const { text, chunks } = chunkDocument(content, { format: 'text', size: 200, overlap: 70 });
    expectExactSpans(text, chunks);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(200);
      expect(chunk.text).toMatch(/^Sentence number \d+ .*here\.$/);
    }
    // Each chunk after the first opens with the previous chunk's last sentence (66 characters ≤ 70).
    for (let index = 1; index < chunks.length; index++) {
      const lastSentence = /Sentence number \d+[^.]*\.$/.exec(chunks[index - 1]!.text)![0];
      expect(chunks[index]!.text.startsWith(lastSentence)).toBe(true);
      expect(chunks[index]!.start).toBeLessThan(chunks[index - 1]!.end);
    }
    // The whole text is covered.
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(text.length);
  });

  it('repeats nothing when overlap is 0 or smaller than a sentence', () => {
    const content = Array.from({ length: 8 }, (_, n) => sentence(n + 1)).join(' ');
    for (const overlap of [0, 40]) {
      const { chunks } = chunkDocument(content, { format: 'text', size: 150, overlap });
      for (let index = 1; index < chunks.length; index++) {
        expect(chunks[index]!.start).toBeGreaterThan(chunks[index - 1]!.end);
      }
    }
  });

  it('splits a sentence longer than the size between words', () => {
    const long = `${'word '.repeat(80)}end.`;
    const { text, chunks } = chunkDocument(`Short one. ${long} Short two.`, { format: 'text', size: 100, overlap: 0 });
    expectExactSpans(text, chunks);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(100);
      // Never a cut word: every chunk starts and ends with a whole word.
      expect(text[chunk.start - 1] ?? ' ').toMatch(/\s/);
      expect(text[chunk.end] ?? ' ').toMatch(/\s/);
    }
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(text);
  });

  it('refuses an empty document and bad options, naming them', () => {
    expect(() => chunkDocument('', { format: 'text' })).toThrow(DocumentError);
    expect(() => chunkDocument(' \n\t ', { format: 'markdown' })).toThrow('the document is empty');
    expect(() => chunkDocument('<script>x()</script><p> </p>', { format: 'html' })).toThrow(/the document is empty/);
    expect(() => chunkDocument('x', { format: 'text', size: 99 })).toThrow(RangeError);
    expect(() => chunkDocument('x', { format: 'text', size: 99 })).toThrow(
      /^size must be .* from 100 to 20000 \(got 99\)/,
    );
    expect(() => chunkDocument('x', { format: 'text', size: 20_001 })).toThrow(/^size must/);
    expect(() => chunkDocument('x', { format: 'text', size: 1.5 })).toThrow(/^size must/);
    expect(() => chunkDocument('x', { format: 'text', size: 200, overlap: 100 })).toThrow(
      /^overlap must be .* less than half the chunk size \(got 100 with size 200\)/,
    );
    expect(() => chunkDocument('x', { format: 'text', overlap: -1 })).toThrow(/^overlap must/);
    expect(() => chunkDocument('x', { format: 'pdf' as 'text' })).toThrow(
      /^format must be one of text, markdown, html/,
    );
    // The default overlap shrinks to fit a small size.
    expect(() => chunkDocument('x', { format: 'text', size: 100 })).not.toThrow();
  });
});

describe('chunkDocument on Markdown', () => {
  const markdown = [
    '# Guide',
    '',
    'Intro text. More intro.',
    '',
    '## Install',
    '',
    'Run the installer.',
    '',
    '### From npm',
    '',
    'Use npm install groundwork. It takes a minute.',
    '',
    '```sh',
    '# not a heading',
    '```',
    '',
    '## Use',
    '',
    'Start it.',
    '',
    'Setext title',
    '------------',
    '',
    'Under a setext heading.',
  ].join('\n');

  it('never crosses a heading, and gives each chunk its heading path', () => {
    const { text, chunks } = chunkDocument(markdown, { format: 'markdown', size: 1000 });
    expect(text).toBe(markdown);
    expectExactSpans(text, chunks);
    expect(chunks.map((chunk) => [chunk.heading, chunk.text.split('\n')[0]])).toEqual([
      ['Guide', '# Guide'],
      ['Guide > Install', '## Install'],
      ['Guide > Install > From npm', '### From npm'],
      ['Guide > Use', '## Use'],
      ['Guide > Setext title', 'Setext title'],
    ]);
    expect(chunks[2]!.text).toContain('# not a heading');
    expect(chunks[4]!.text).toContain('Under a setext heading.');
  });

  it('keeps overlap inside a section', () => {
    const section = (title: string) => [`## ${title}`, ...Array.from({ length: 6 }, (_, n) => sentence(n))].join('\n');
    const { text, chunks } = chunkDocument(`${section('One')}\n\n${section('Two')}`, {
      format: 'markdown',
      size: 200,
      overlap: 90,
    });
    expectExactSpans(text, chunks);
    const firstOfTwo = chunks.findIndex((chunk) => chunk.heading === 'Two');
    expect(chunks[firstOfTwo]!.text.startsWith('## Two')).toBe(true);
    expect(chunks[firstOfTwo]!.start).toBeGreaterThanOrEqual(chunks[firstOfTwo - 1]!.end);
  });
});

describe('chunkDocument on HTML', () => {
  const html = `<!doctype html><html><head><title>Ignored</title><style>p { color: red }</style></head>
    <body><h1>Guide &amp; notes</h1><p>First   paragraph
    text.</p><script>alert("no")</script><h2>Part <em>two</em></h2><ul><li>One item.</li><li>Two item.</li></ul>
    <table><tr><td>a</td><td>b</td></tr></table><pre>keep   this
  spacing</pre></body></html>`;

  it('reads the visible text with headings as lines and script and style dropped', () => {
    const { text, chunks } = chunkDocument(html, { format: 'html' });
    expect(text).toBe(
      'Guide & notes\n\nFirst paragraph text.\n\nPart two\n\nOne item.\nTwo item.\n\na\tb\n\nkeep   this\n  spacing',
    );
    expect(text).not.toMatch(/alert|color|Ignored/);
    expectExactSpans(text, chunks);
    expect(chunks.map((chunk) => chunk.heading)).toEqual(['Guide & notes', 'Guide & notes > Part two']);
    expect(chunks[1]!.text.startsWith('Part two')).toBe(true);
  });
});

describe('detectDocumentFormat', () => {
  it('reads the file name and the content type', () => {
    expect(detectDocumentFormat({ fileName: 'docs/README.MD' })).toBe('markdown');
    expect(detectDocumentFormat({ fileName: 'a.markdown' })).toBe('markdown');
    expect(detectDocumentFormat({ fileName: 'page.htm' })).toBe('html');
    expect(detectDocumentFormat({ fileName: 'notes.txt' })).toBe('text');
    expect(detectDocumentFormat({ fileName: 'no-extension' })).toBe('text');
    expect(detectDocumentFormat({ contentType: 'text/html; charset=utf-8' })).toBe('html');
    expect(detectDocumentFormat({ contentType: 'text/markdown', fileName: 'x.txt' })).toBe('markdown');
    expect(detectDocumentFormat({ contentType: 'text/plain', fileName: 'x.md' })).toBe('markdown');
    expect(detectDocumentFormat({})).toBe('text');
  });
});
