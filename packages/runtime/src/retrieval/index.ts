// Browser-safe: the editor and the server share chunking, ranking and highlighting. No node:* imports here.
export * from './chunk-document.js';
export {
  DOCUMENT_FORMATS,
  DocumentError,
  type DocumentFormat,
  detectDocumentFormat,
  type Heading,
} from './document-format.js';
export * from './highlight.js';
export { htmlToText } from './html-text.js';
export { markdownHeadings } from './markdown-headings.js';
export * from './rank-fusion.js';
export * from './types.js';
