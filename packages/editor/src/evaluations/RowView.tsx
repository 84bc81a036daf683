import type { SentenceVerdict } from '@groundwork/runtime/evaluators';
import { useState } from 'react';
import type { ComparisonRow, EvaluationResult, Preference } from '../api/client.js';
import { Dialog } from '../toolbar/Dialog.js';
import { CellText } from './DatasetPreview.js';
import { ContextView, GroundedAnswer } from './GroundedAnswer.js';
import { formatDifference, formatMetric } from './metrics.js';

const CHOICES: { value: Preference; label: string }[] = [
  { value: 'a', label: 'A is better' },
  { value: 'tie', label: 'Tie' },
  { value: 'b', label: 'B is better' },
];

/**
 * One dataset row, the two answers side by side with their sentences marked, the context, and which answer the
 * person prefers (choosing the marked one again clears it).
 */
export function RowView(props: {
  row: ComparisonRow;
  metric: string;
  sides: {
    a: { key: string; result: EvaluationResult | undefined };
    b: { key: string; result: EvaluationResult | undefined };
  };
  saving: boolean;
  problem: string | undefined;
  onPreference(preferred: Preference | null): void;
  onClose(): void;
}) {
  const { row, metric, sides } = props;
  const [active, setActive] = useState<{ side: 'a' | 'b'; sentence: SentenceVerdict | null }>({
    side: 'a',
    sentence: null,
  });
  const values = sides.a.result?.rowValues ?? sides.b.result?.rowValues ?? {};
  const context = sides[active.side].result?.context ?? sides.a.result?.context ?? null;
  return (
    <Dialog title={`Row ${row.row + 1}`} testId="row-view" wide onClose={props.onClose}>
      <dl className="row-values">
        {Object.entries(values)
          .filter(([column]) => column !== 'context')
          .map(([column, value]) => (
            <div key={column}>
              <dt>{column}</dt>
              <dd>
                <CellText value={value} limit={600} />
              </dd>
            </div>
          ))}
      </dl>
      <div className="row-answers">
        {(['a', 'b'] as const).map((side) => (
          <section key={side} className="row-answer" data-testid={`row-answer-${side}`}>
            <h3>
              {side.toUpperCase()} <code>{sides[side].key}</code>{' '}
              <span className="muted small">
                {metric} {formatMetric(metric, row[side])}
              </span>
            </h3>
            {sides[side].result ? (
              <GroundedAnswer result={sides[side].result} onActive={(sentence) => setActive({ side, sentence })} />
            ) : (
              <p className="muted">This side has no result for the row.</p>
            )}
          </section>
        ))}
      </div>
      <p className="muted small">
        B − A: {formatDifference(metric, row.difference)}. Point at a sentence to see what in the context supports it.
      </p>
      <h3 className="context-title">Context</h3>
      <ContextView context={context} active={active.sentence} />
      <fieldset className="preference">
        <legend>Which answer is better?</legend>
        {CHOICES.map((choice) => (
          <button
            key={choice.value}
            type="button"
            data-testid={`preference-${choice.value}`}
            aria-pressed={row.preference === choice.value}
            disabled={props.saving}
            onClick={() => props.onPreference(row.preference === choice.value ? null : choice.value)}
          >
            {choice.label}
          </button>
        ))}
        {props.problem && (
          <span className="field-error" role="alert" data-testid="preference-error">
            {props.problem}
          </span>
        )}
      </fieldset>
    </Dialog>
  );
}
