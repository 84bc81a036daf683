import type { GroundednessInput } from '@groundwork/runtime/evaluators';

/** One row of a `groundwork groundedness` data file, checked. */
export interface GroundednessRow {
  /** 1-based line in the file. */
  line: number;
  id?: string | number;
  input: GroundednessInput;
}

export interface RowProblem {
  line: number;
  message: string;
}

/** At most this many bad lines are reported; the count says how many there were in all. */
export const MAX_ROW_PROBLEMS = 50;

/**
 * The rows of a JSON Lines file: each non-blank line an object with `context` (text, a list of texts, or passages
 * `{text}`) and `answer` or `claim` (text); `question` (text) and `id` (text or number) when present. Every bad line
 * is named, so the file is fixed once; with any bad line there are no rows.
 */
export function readGroundednessRows(text: string): { rows: GroundednessRow[]; problems: RowProblem[]; total: number } {
  const rows: GroundednessRow[] = [];
  const problems: RowProblem[] = [];
  let total = 0;
  const problem = (line: number, message: string) => {
    total++;
    if (problems.length < MAX_ROW_PROBLEMS) problems.push({ line, message });
  };
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  lines.forEach((source, index) => {
    if (source.trim() === '') return;
    const row = rowOf(source, index + 1);
    if (typeof row === 'string') problem(index + 1, row);
    else rows.push(row);
  });
  if (rows.length === 0 && total === 0) problem(1, 'the file has no rows (one JSON object per line)');
  return { rows: total > 0 ? [] : rows, problems, total };
}

/** The row on a line, or what is wrong with it. */
function rowOf(source: string, line: number): GroundednessRow | string {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'expected a JSON object';
  const row = value as Record<string, unknown>;
  const answer = row.answer ?? row.claim;
  if (typeof answer !== 'string') {
    return answer === undefined ? 'no "answer" (or "claim")' : '"answer" (or "claim") must be text';
  }
  const context = contextOf(row.context);
  if (typeof context === 'object' && 'problem' in context) return context.problem;
  if (row.question !== undefined && typeof row.question !== 'string') return '"question" must be text';
  if (row.id !== undefined && typeof row.id !== 'string' && typeof row.id !== 'number') {
    return '"id" must be text or a number';
  }
  return {
    line,
    ...(row.id !== undefined ? { id: row.id as string | number } : {}),
    input: { answer, context, ...(typeof row.question === 'string' ? { question: row.question } : {}) },
  };
}

function contextOf(value: unknown): string | string[] | { problem: string } {
  if (typeof value === 'string') return value;
  if (value === undefined) return { problem: 'no "context"' };
  if (Array.isArray(value)) {
    const texts = value.map((item) =>
      typeof item === 'string' ? item : typeof item?.text === 'string' ? (item.text as string) : undefined,
    );
    if (texts.every((text) => text !== undefined)) return texts as string[];
  }
  return { problem: '"context" must be text, a list of texts, or passages ({text})' };
}
