// The Markdown table of the LLM benchmark, as docs/benchmarks.md shows it.
import type { Row } from './engine-rows.js';

const HEADER = [
  'measure',
  'tok/s',
  'ms/step',
  'p50 ms',
  'p99 ms',
  'wall ms',
  'transformers.js tok/s',
  '× transformers.js',
];

function figure(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function label(row: Row): string {
  return row.ratio === undefined ? row.label : `${row.label}: **${row.ratio.toFixed(2)}×**`;
}

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((row) => [
    label(row),
    figure(row.tokensPerSecond),
    figure(row.msPerStep, 2),
    figure(row.p50Ms),
    figure(row.p99Ms),
    figure(row.wallMs, 0),
    figure(row.peer?.tokensPerSecond),
    row.peer && row.tokensPerSecond ? `${(row.tokensPerSecond / row.peer.tokensPerSecond).toFixed(1)}×` : '',
  ]);
  const widths = HEADER.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: readonly string[]) =>
    `| ${values.map((value, column) => (column === 0 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!))).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (column === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)).join(' | ')} |`;
  return [line(HEADER), rule, ...cells.map(line)].join('\n');
}
