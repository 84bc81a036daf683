import type { DocumentFormat } from '../api/client.js';

const FORMATS: Record<string, { format: DocumentFormat; contentType: string }> = {
  md: { format: 'markdown', contentType: 'text/markdown' },
  markdown: { format: 'markdown', contentType: 'text/markdown' },
  html: { format: 'html', contentType: 'text/html' },
  htm: { format: 'html', contentType: 'text/html' },
  txt: { format: 'text', contentType: 'text/plain' },
  text: { format: 'text', contentType: 'text/plain' },
};

export const DOCUMENT_EXTENSIONS = '.md,.markdown,.txt,.html,.htm';

/** How a file is sent, from its extension (the server reads the content type); null for a kind it does not take. */
export function documentFormatOf(fileName: string): { format: DocumentFormat; contentType: string } | null {
  const extension = /\.([A-Za-z]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (extension && FORMATS[extension]) || null;
}

/** The form's chunk settings, checked as the server checks them; each problem names its field. */
export function chunkSettingsProblems(size: number, overlap: number): { size?: string; overlap?: string } {
  const problems: { size?: string; overlap?: string } = {};
  if (!Number.isInteger(size) || size < 100 || size > 20000) problems.size = 'A whole number from 100 to 20000';
  if (!Number.isInteger(overlap) || overlap < 0) problems.overlap = 'A whole number, 0 or more';
  else if (!problems.size && overlap >= size / 2) problems.overlap = `Less than half the chunk size (${size / 2})`;
  return problems;
}
