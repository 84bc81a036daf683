import type { EvaluationFields, ScorerName } from '../api/client.js';
import type { FormValues } from './evaluation-form.js';
import { METRIC_LABELS } from './metrics.js';

const SCORERS: { name: ScorerName; label: string }[] = [
  { name: 'default', label: 'Default (lexical, no model needed)' },
  { name: 'llm', label: 'LLM judge (a local chat model)' },
  { name: 'nli', label: 'NLI model (ONNX, e.g. HHEM or MiniCheck)' },
];

const FIELD_NAMES: (keyof EvaluationFields)[] = ['answer', 'context', 'question', 'reference'];

/** The metrics to compute, how groundedness is scored, and (folded away) where each metric reads its values. */
export function ScoringFields(props: { values: FormValues; onChange(change: Partial<FormValues>): void }) {
  const { values, onChange } = props;
  const grounded = values.metrics.includes('groundedness');
  const toggle = (name: string, on: boolean) =>
    onChange({
      metrics: METRIC_LABELS.map((metric) => metric.name).filter((metric) =>
        metric === name ? on : values.metrics.includes(metric),
      ),
    });
  return (
    <fieldset className="form-section">
      <legend>Metrics</legend>
      <div className="metric-choice" data-testid="evaluation-metrics">
        {METRIC_LABELS.map((metric) => (
          <label key={metric.name} className="check" title={metric.description}>
            <input
              type="checkbox"
              data-testid={`evaluation-metric-${metric.name}`}
              checked={values.metrics.includes(metric.name)}
              onChange={(event) => toggle(metric.name, event.target.checked)}
            />
            {metric.label}
          </label>
        ))}
      </div>
      {grounded && (
        <div className="scorer-fields">
          <label className="field">
            <span>Groundedness scorer</span>
            <select
              data-testid="evaluation-scorer"
              value={values.scorer}
              onChange={(event) => onChange({ scorer: event.target.value as ScorerName })}
            >
              {SCORERS.map((scorer) => (
                <option key={scorer.name} value={scorer.name}>
                  {scorer.label}
                </option>
              ))}
            </select>
          </label>
          {values.scorer !== 'default' && (
            <label className="field">
              <span>Model</span>
              <input
                data-testid="evaluation-scorer-model"
                placeholder={values.scorer === 'llm' ? 'a chat model folder name' : 'an NLI model folder name'}
                value={values.model}
                onChange={(event) => onChange({ model: event.target.value })}
              />
            </label>
          )}
          <label className="field">
            <span>Threshold</span>
            <input
              data-testid="evaluation-threshold"
              type="number"
              min={0}
              max={1}
              step={0.05}
              placeholder="the scorer's own"
              value={values.threshold}
              onChange={(event) => onChange({ threshold: event.target.value })}
            />
            <span className="muted small">An answer or sentence scoring at least this is supported.</span>
          </label>
        </div>
      )}
      <details className="field-sources">
        <summary>Where the metrics read the answer, context, question and reference</summary>
        <p className="muted small">
          Written <code>outputs.NAME</code>, <code>inputs.NAME</code> or <code>row.COLUMN</code>. Left empty: the only
          text output (or one named answer), and the inputs or columns named context, question and reference.
        </p>
        {FIELD_NAMES.map((field) => (
          <label key={field} className="field">
            <span>{field}</span>
            <input
              data-testid={`evaluation-field-${field}`}
              placeholder="automatic"
              value={values.fields[field] ?? ''}
              onChange={(event) => onChange({ fields: { ...values.fields, [field]: event.target.value } })}
            />
          </label>
        ))}
      </details>
    </fieldset>
  );
}
