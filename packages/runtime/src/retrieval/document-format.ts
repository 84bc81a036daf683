export type DocumentFormat = 'text' | 'markdown' | 'html';

export const DOCUMENT_FORMATS: readonly DocumentFormat[] = ['text', 'markdown', 'html'];

/** A document that cannot be added (empty, or no text once read), with what is wrong worded for the user. */
export class DocumentError extends Error {
  override name = 'DocumentError';
}

/**
 * A document's format from its file name (.md, .markdown → markdown; .html, .htm → html) or content type
 * (text/markdown, text/html); anything else is plain text. The content type wins when both are given and it names
 * markdown or html.
 */
export function detectDocumentFormat(from: { fileName?: string; contentType?: string }): DocumentFormat {
  const type = from.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'text/markdown' || type === 'text/x-markdown') return 'markdown';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  const extension = /\.([^./\\]+)$/.exec(from.fileName ?? '')?.[1]?.toLowerCase();
  if (extension === 'md' || extension === 'markdown') return 'markdown';
  if (extension === 'html' || extension === 'htm') return 'html';
  return 'text';
}

/** A heading line of a document's plain text: its level (1 = top) and title, and the span of its line(s). */
export interface Heading {
  level: number;
  title: string;
  start: number;
  end: number;
}
