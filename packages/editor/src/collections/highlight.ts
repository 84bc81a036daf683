import type { TextSpan } from '../api/client.js';

export interface TextPiece {
  text: string;
  highlighted: boolean;
}

/**
 * A passage cut into plain and highlighted pieces from the server's spans: spans are clamped to the text, sorted,
 * and overlapping or touching ones merged, so every character appears once and in order whatever the spans are.
 */
export function highlightPieces(text: string, spans: readonly TextSpan[]): TextPiece[] {
  const valid = spans
    .map((span) => ({ start: Math.max(0, Math.floor(span.start)), end: Math.min(text.length, Math.floor(span.end)) }))
    .filter((span) => Number.isFinite(span.start) && Number.isFinite(span.end) && span.end > span.start)
    .sort((a, b) => a.start - b.start);
  const merged: TextSpan[] = [];
  for (const span of valid) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const span of merged) {
    if (span.start > at) pieces.push({ text: text.slice(at, span.start), highlighted: false });
    pieces.push({ text: text.slice(span.start, span.end), highlighted: true });
    at = span.end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), highlighted: false });
  return pieces;
}
