import { useState } from 'react';
import type { ComparisonRow, EvaluationResult } from '../api/client.js';
import { type RowOrder, rowLabel, sortRows } from './comparison-data.js';
import { CellText } from './DatasetPreview.js';
import { formatDifference, formatMetric } from './metrics.js';

const NEXT_ORDER: Record<RowOrder, RowOrder> = {
  row: 'difference-down',
  'difference-down': 'difference-up',
  'difference-up': 'row',
};
const ORDER_MARK: Record<RowOrder, string> = { row: '', 'difference-down': ' ▼', 'difference-up': ' ▲' };

/** Every row of the comparison: both answers, both values and the difference; sortable by the difference. */
export function ComparisonTable(props: {
  rows: ComparisonRow[];
  metric: string;
  higherIsBetter: boolean;
  results: { a: Map<number, EvaluationResult>; b: Map<number, EvaluationResult> };
  onOpen(row: number): void;
}) {
  const [order, setOrder] = useState<RowOrder>('row');
  const { metric } = props;
  if (props.rows.length === 0)
    return (
      <p className="empty-state" data-testid="comparison-no-rows">
        The two sides have no finished row in common yet.
      </p>
    );
  const verdict = (difference: number | null) =>
    difference === null || difference === 0 ? 'equal' : difference > 0 === props.higherIsBetter ? 'better' : 'worse';
  return (
    <div className="table-scroll">
      <table className="data-table comparison-table" data-testid="comparison-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Row</th>
            <th>Answer A</th>
            <th>Answer B</th>
            <th className="number">A</th>
            <th className="number">B</th>
            <th className="number">
              <button
                type="button"
                className="link"
                data-testid="comparison-sort"
                data-order={order}
                title="Sort by the difference"
                onClick={() => setOrder(NEXT_ORDER[order])}
              >
                B − A{ORDER_MARK[order]}
              </button>
            </th>
            <th>Preferred</th>
          </tr>
        </thead>
        <tbody>
          {sortRows(props.rows, order).map((row) => {
            const a = props.results.a.get(row.row);
            const b = props.results.b.get(row.row);
            return (
              <tr
                key={row.row}
                data-testid="comparison-row"
                data-row={row.row}
                data-verdict={verdict(row.difference)}
                tabIndex={0}
                onClick={() => props.onOpen(row.row)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') props.onOpen(row.row);
                }}
              >
                <td className="muted">{row.row + 1}</td>
                <td>
                  <CellText value={rowLabel(a?.rowValues ?? b?.rowValues)} limit={80} />
                </td>
                <td>
                  <CellText value={a?.answer ?? a?.error?.message ?? ''} limit={160} />
                </td>
                <td>
                  <CellText value={b?.answer ?? b?.error?.message ?? ''} limit={160} />
                </td>
                <td className="number">{formatMetric(metric, row.a)}</td>
                <td className="number">{formatMetric(metric, row.b)}</td>
                <td className={`number difference ${verdict(row.difference)}`}>
                  {formatDifference(metric, row.difference)}
                </td>
                <td>{row.preference ? (row.preference === 'tie' ? 'tie' : row.preference.toUpperCase()) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
