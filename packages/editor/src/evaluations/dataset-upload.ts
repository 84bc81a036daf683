import { ApiError, type DatasetFormat, type DatasetProblem } from '../api/client.js';

const FORMATS: Record<string, { format: DatasetFormat; contentType: string }> = {
  jsonl: { format: 'jsonl', contentType: 'application/x-ndjson' },
  ndjson: { format: 'jsonl', contentType: 'application/x-ndjson' },
  csv: { format: 'csv', contentType: 'text/csv' },
  json: { format: 'json', contentType: 'application/json' },
};

/** The format a file is uploaded as, from its extension (the server reads the content type); null when unknown. */
export function uploadFormatOf(fileName: string): { format: DatasetFormat; contentType: string } | null {
  const extension = /\.([A-Za-z]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (extension && FORMATS[extension]) || null;
}

/** A dataset name from a file name: its base name, in the characters names allow (as flow names). */
export function datasetNameOf(fileName: string): string {
  const base = fileName.replace(/\.[A-Za-z]+$/, '').replace(/[^A-Za-z0-9_.-]+/g, '-');
  const trimmed = base.replace(/^[^A-Za-z0-9]+/, '').slice(0, 100);
  return trimmed || 'dataset';
}

export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** What went wrong with an upload: the server's message and every bad line it listed. */
export function uploadProblemsOf(error: unknown): { message: string; problems: DatasetProblem[] } {
  if (!(error instanceof ApiError)) return { message: String((error as Error)?.message ?? error), problems: [] };
  const issues = (error.body as { error?: { issues?: { line?: number; message?: string }[] } } | undefined)?.error
    ?.issues;
  const problems = (issues ?? [])
    .filter((issue) => typeof issue.message === 'string')
    .map((issue) => ({ line: typeof issue.line === 'number' ? issue.line : null, message: issue.message! }));
  return { message: error.message, problems };
}
