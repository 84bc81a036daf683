import { Parser } from 'htmlparser2';
import type { Heading } from './document-format.js';

/** Elements whose content is not visible text. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'math', 'iframe', 'object']);
/** Elements that end a line (list items, table rows, line breaks). */
const LINE = new Set(['br', 'li', 'tr', 'dt', 'dd', 'option', 'caption', 'figcaption', 'summary']);
/** Elements that stand apart as paragraphs. */
const BLOCK = new Set(
  (
    'p div section article header footer nav aside main h1 h2 h3 h4 h5 h6 ul ol dl table thead tbody tfoot ' +
    'blockquote pre hr figure form fieldset address details body html'
  ).split(' '),
);
const CELL = new Set(['td', 'th']);

/**
 * The visible text of an HTML document: script, style and other invisible elements dropped, whitespace collapsed as
 * a browser does (kept inside <pre>), block elements as paragraphs, list items and rows as lines, table cells apart
 * by a tab, headings as lines of their own (returned with their levels and spans so chunks can follow sections).
 */
export function htmlToText(html: string): { text: string; headings: Heading[] } {
  let text = '';
  /** What goes before the next visible text: nothing, a space, a line break or a paragraph break. */
  let pending: '' | ' ' | '\t' | '\n' | '\n\n' = '';
  let hidden = 0;
  let pre = 0;
  let heading: { level: number; start: number | undefined } | undefined;
  const headings: Heading[] = [];
  const strength = { '': 0, ' ': 1, '\t': 2, '\n': 3, '\n\n': 4 } as const;
  const want = (separator: typeof pending) => {
    if (strength[separator] > strength[pending]) pending = separator;
  };
  const emit = (piece: string) => {
    if (!piece) return;
    if (text && pending) text += pending;
    pending = '';
    if (heading && heading.start === undefined) heading.start = text.length;
    text += piece;
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN.has(name)) hidden++;
        if (name === 'pre') pre++;
        if (BLOCK.has(name)) want('\n\n');
        else if (LINE.has(name)) want('\n');
        else if (CELL.has(name) && text && !text.endsWith('\n')) want('\t');
        const level = /^h([1-6])$/.exec(name)?.[1];
        if (level && hidden === 0) heading = { level: Number(level), start: undefined };
      },
      ontext(data) {
        if (hidden > 0) return;
        if (pre > 0) {
          emit(data.replace(/\r\n?/g, '\n'));
          return;
        }
        const collapsed = data.replace(/[ \t\n\r\f]+/g, ' ');
        const leading = collapsed.startsWith(' ');
        const words = collapsed.trim();
        if (leading && text && !/\s$/.test(text)) want(' ');
        emit(words);
        if (words && collapsed.endsWith(' ')) want(' ');
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        if (name === 'pre') pre = Math.max(0, pre - 1);
        if (/^h[1-6]$/.test(name) && heading) {
          if (heading.start !== undefined) {
            const title = text.slice(heading.start).replace(/\s+/g, ' ').trim();
            if (title) headings.push({ level: heading.level, title, start: heading.start, end: text.length });
          }
          heading = undefined;
        }
        if (BLOCK.has(name)) want('\n\n');
        else if (LINE.has(name)) want('\n');
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return { text, headings };
}
