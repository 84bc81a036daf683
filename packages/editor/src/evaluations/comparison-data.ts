import { api, type EvaluationResult, type SideRef } from '../api/client.js';

/** `evl_1:2` → the side; a side without `:COMBINATION` is combination 0, as the server reads it. */
export function parseSide(text: string | undefined): SideRef | undefined {
  if (!text) return undefined;
  const match = /^(.+?)(?::(\d+))?$/.exec(text);
  if (!match) return undefined;
  return { evaluation: match[1]!, combination: match[2] === undefined ? 0 : Number(match[2]) };
}

export const sideText = (side: SideRef) => `${side.evaluation}:${side.combination}`;

const PAGE = 100;
/** Enough rows for a comparison on screen; larger datasets show their first rows' answers. */
const MOST = 2000;

/** A side's results by dataset row, page by page. */
export async function sideResults(side: SideRef): Promise<Map<number, EvaluationResult>> {
  const byRow = new Map<number, EvaluationResult>();
  for (let offset = 0; offset < MOST; offset += PAGE) {
    const page = await api.getResults(side.evaluation, { combination: side.combination, offset, limit: PAGE });
    for (const result of page.results) byRow.set(result.row, result);
    if (page.results.length < PAGE || offset + PAGE >= page.total) break;
  }
  return byRow;
}

export type RowOrder = 'row' | 'difference-up' | 'difference-down';

/** Rows in dataset order, or by difference (rows without one last, whichever way). */
export function sortRows<T extends { row: number; difference: number | null }>(rows: T[], order: RowOrder): T[] {
  if (order === 'row') return [...rows].sort((a, b) => a.row - b.row);
  const sign = order === 'difference-up' ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (a.difference === null || b.difference === null)
      return (a.difference === null ? 1 : 0) - (b.difference === null ? 1 : 0) || a.row - b.row;
    return sign * (a.difference - b.difference) || a.row - b.row;
  });
}

/** A row's question or first text value, to recognise it by in the table. */
export function rowLabel(values: Record<string, unknown> | undefined): string {
  if (!values) return '';
  const preferred = values.question ?? values.input ?? values.prompt;
  if (typeof preferred === 'string') return preferred;
  const text = Object.values(values).find((value) => typeof value === 'string');
  return typeof text === 'string' ? text : JSON.stringify(values);
}
