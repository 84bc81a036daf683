import type { Heading } from './document-format.js';

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const BLOCK_START = /^ {0,3}(?:[-*+>]|\d+[.)])(?:\s|$)|^ {4}|^\t/;

/**
 * The headings of a Markdown text: ATX (`## Install`) and setext (a line underlined with === or ---), not inside
 * fenced code blocks. Titles lose inline code marks and emphasis (`**`, `_`) and link targets.
 */
export function markdownHeadings(text: string): Heading[] {
  const lines: { text: string; start: number }[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    lines.push({ text: line.replace(/\r$/, ''), start: offset });
    offset += line.length + 1;
  }
  const headings: Heading[] = [];
  let fence: string | undefined;
  lines.forEach((line, index) => {
    const opening = FENCE.exec(line.text)?.[1];
    if (fence !== undefined) {
      if (opening && opening[0] === fence[0] && opening.length >= fence.length) fence = undefined;
      return;
    }
    if (opening) {
      fence = opening;
      return;
    }
    const atx = ATX.exec(line.text);
    if (atx) {
      const title = plainTitle(atx[2] ?? '');
      if (title) headings.push({ level: atx[1]!.length, title, start: line.start, end: line.start + line.text.length });
      return;
    }
    const next = lines[index + 1];
    const underline = next && SETEXT.exec(next.text);
    const previous = lines[index - 1];
    const startsParagraph = !previous || previous.text.trim() === '';
    if (underline && line.text.trim() && startsParagraph && !BLOCK_START.test(line.text)) {
      const title = plainTitle(line.text);
      if (title) {
        const level = underline[1]!.startsWith('=') ? 1 : 2;
        headings.push({ level, title, start: line.start, end: next.start + next.text.length });
      }
    }
  });
  return headings;
}

function plainTitle(raw: string): string {
  return raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, '$2')
    .trim();
}
