import type { Flow } from '@groundwork/runtime/schema';
import { useMemo, useState } from 'react';
import { ApiError, api, type Dataset } from '../api/client.js';
import {
  allVariants,
  combinationCount,
  defaultMapping,
  defaultMetrics,
  evaluationRequestOf,
  type FormValues,
  flowInputsOf,
  formProblems,
  mappingProblems,
  variantNodesOf,
} from './evaluation-form.js';
import { InputMapping, VariantChoice } from './FlowBindings.js';
import { navigate } from './route.js';
import { ScoringFields } from './ScoringFields.js';

type Failure = { message: string; issues: { path: string; message: string }[] };

/** The options that depend on the chosen flow version and dataset, with their defaults, and Start. */
export function EvaluationOptions(props: { flowId: string; version: 'latest' | number; flow: Flow; dataset: Dataset }) {
  const { flow, dataset } = props;
  const inputs = useMemo(() => flowInputsOf(flow), [flow]);
  const variantNodes = useMemo(() => variantNodesOf(flow), [flow]);
  const [values, setValues] = useState<FormValues>(() => ({
    flow: props.flowId,
    version: props.version,
    dataset: dataset.id,
    mapping: defaultMapping(inputs, dataset.columns),
    variants: allVariants(variantNodes),
    metrics: defaultMetrics(inputs, dataset.columns),
    fields: {},
    scorer: 'default',
    threshold: '',
    model: '',
    concurrency: '8',
    name: '',
  }));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>();
  const update = (change: Partial<FormValues>) => setValues((current) => ({ ...current, ...change }));

  const unmapped = mappingProblems(inputs, values.mapping);
  const problems = [...Object.values(unmapped), ...formProblems(values)];
  const combinations = combinationCount(values.variants);
  const items = combinations * dataset.rowCount;

  const start = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const evaluation = await api.startEvaluation(evaluationRequestOf(values));
      navigate({ page: 'evaluation', id: evaluation.id });
    } catch (error) {
      const issues = error instanceof ApiError ? issuesOf(error.body) : [];
      setFailure({ message: (error as Error).message, issues });
      setBusy(false);
    }
  };

  return (
    <>
      <fieldset className="form-section">
        <legend>Inputs from the dataset</legend>
        <InputMapping
          inputs={inputs}
          columns={dataset.columns}
          mapping={values.mapping}
          problems={unmapped}
          onChange={(mapping) => update({ mapping })}
        />
      </fieldset>
      <fieldset className="form-section">
        <legend>Variants</legend>
        <VariantChoice nodes={variantNodes} chosen={values.variants} onChange={(variants) => update({ variants })} />
        <p className="combination-count" data-testid="evaluation-combinations">
          {combinations} {combinations === 1 ? 'combination' : 'combinations'} × {dataset.rowCount} rows = {items} runs
        </p>
      </fieldset>
      <ScoringFields values={values} onChange={update} />
      <fieldset className="form-section">
        <legend>Run</legend>
        <label className="field">
          <span>Name</span>
          <input
            data-testid="evaluation-name"
            placeholder={`${flow.name} on ${dataset.name}`}
            value={values.name}
            onChange={(event) => update({ name: event.target.value })}
          />
        </label>
        <label className="field">
          <span>Rows in flight</span>
          <input
            data-testid="evaluation-concurrency"
            type="number"
            min={1}
            max={64}
            value={values.concurrency}
            onChange={(event) => update({ concurrency: event.target.value })}
          />
          <span className="muted small">Parallel runs reach the model together and are batched.</span>
        </label>
      </fieldset>
      {problems.length > 0 && (
        <ul className="form-problems" data-testid="evaluation-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {failure && (
        <div className="banner error" role="alert" data-testid="evaluation-start-error">
          <strong>{failure.message}</strong>
          {failure.issues.length > 0 && (
            <ul>
              {failure.issues.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>
                  <code>{issue.path}</code> {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          data-testid="evaluation-start"
          disabled={busy || problems.length > 0}
          onClick={() => void start()}
        >
          {busy ? 'Starting…' : `Start ${items} runs`}
        </button>
      </div>
    </>
  );
}

function issuesOf(body: unknown): { path: string; message: string }[] {
  const issues = (body as { error?: { issues?: { path?: unknown; message?: unknown }[] } } | undefined)?.error?.issues;
  return (issues ?? []).map((issue) => ({
    path: Array.isArray(issue.path) ? issue.path.join('.') : String(issue.path ?? ''),
    message: String(issue.message ?? ''),
  }));
}
