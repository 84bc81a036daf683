import { useState } from 'react';
import { api } from '../api/client.js';
import { EvaluationOptions } from './EvaluationOptions.js';
import { LoadError, Loading } from './LoadStates.js';
import { navigate, routeHash } from './route.js';
import { useLoad } from './use-load.js';

/**
 * A new evaluation: which flow (and version) on which dataset first; once both are chosen, the options that depend
 * on them (input mapping, variants, metrics) with their defaults.
 */
export function NewEvaluation(props: { flow?: string | undefined; dataset?: string | undefined }) {
  const sources = useLoad(() => Promise.all([api.listFlows(), api.listDatasets()]), []);
  const [flowChoice, setFlowChoice] = useState(props.flow ?? '');
  const [version, setVersion] = useState<'latest' | number>('latest');
  const [datasetChoice, setDatasetChoice] = useState(props.dataset ?? '');

  const ready = sources.loaded.state === 'ready' ? sources.loaded.value : undefined;
  // A flow or dataset named in the link (by id or name) is matched to the list's entry.
  const flow = ready?.[0].find((candidate) => candidate.id === flowChoice || candidate.name === flowChoice);
  const dataset = ready?.[1].find((candidate) => candidate.id === datasetChoice || candidate.name === datasetChoice);

  const chosen = useLoad(async () => {
    if (!flow || !dataset) return null;
    const flowVersion =
      version === 'latest' ? (await api.getFlow(flow.id)).version : await api.getVersion(flow.id, version);
    return { flowId: flow.id, flowVersion, dataset };
  }, [flow?.id, dataset?.id, version]);

  // While another choice loads, the previous one's answer is not shown as if it were this one's.
  const current =
    chosen.loaded.state === 'ready' &&
    chosen.loaded.value?.flowId === flow?.id &&
    chosen.loaded.value?.dataset.id === dataset?.id &&
    (version === 'latest' || chosen.loaded.value?.flowVersion.version === version)
      ? chosen.loaded.value
      : undefined;

  if (sources.loaded.state === 'loading') return <Loading testId="evaluation-new-loading" what="flows and datasets" />;
  if (sources.loaded.state === 'error')
    return (
      <LoadError
        testId="evaluation-new-error"
        what="flows and datasets"
        message={sources.loaded.message}
        onRetry={sources.reload}
      />
    );
  const [flows, datasets] = sources.loaded.value;
  if (flows.length === 0 || datasets.length === 0)
    return (
      <div className="empty-state" data-testid="evaluation-new-missing">
        <p>
          <strong>An evaluation needs a saved flow and a dataset.</strong>
        </p>
        {flows.length === 0 && (
          <p>
            No flow is saved yet:{' '}
            <button type="button" className="link" onClick={() => navigate('editor')}>
              build one in the editor
            </button>{' '}
            and save it.
          </p>
        )}
        {datasets.length === 0 && (
          <p>
            No dataset yet: <a href={routeHash({ page: 'datasets' })}>upload one</a>.
          </p>
        )}
      </div>
    );

  return (
    <form className="evaluation-form" data-testid="evaluation-form" onSubmit={(event) => event.preventDefault()}>
      <h2>New evaluation</h2>
      <fieldset className="form-section">
        <legend>What to run</legend>
        <label className="field">
          <span>Flow</span>
          <select
            data-testid="evaluation-flow"
            value={flow?.id ?? ''}
            onChange={(event) => {
              setFlowChoice(event.target.value);
              setVersion('latest');
            }}
          >
            <option value="">Choose a flow…</option>
            {flows.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Version</span>
          <select
            data-testid="evaluation-version"
            disabled={!flow}
            value={String(version)}
            onChange={(event) =>
              setVersion(event.target.value === 'latest' ? 'latest' : Number.parseInt(event.target.value, 10))
            }
          >
            <option value="latest">latest{flow ? ` (v${flow.latestVersion})` : ''}</option>
            {flow &&
              Array.from({ length: flow.latestVersion }, (_, index) => flow.latestVersion - index).map((number) => {
                const labels = Object.entries(flow.labels)
                  .filter(([, labelled]) => labelled === number)
                  .map(([label]) => label);
                return (
                  <option key={number} value={number}>
                    v{number}
                    {labels.length ? ` (${labels.join(', ')})` : ''}
                  </option>
                );
              })}
          </select>
        </label>
        <label className="field">
          <span>Dataset</span>
          <select
            data-testid="evaluation-dataset"
            value={dataset?.id ?? ''}
            onChange={(event) => setDatasetChoice(event.target.value)}
          >
            <option value="">Choose a dataset…</option>
            {datasets.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name} ({candidate.rowCount} rows)
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      {!flow || !dataset ? (
        <p className="muted" data-testid="evaluation-choose">
          Choose a flow and a dataset to set up the rest.
        </p>
      ) : chosen.loaded.state === 'error' ? (
        <LoadError
          testId="evaluation-flow-error"
          what={`flow ${flow.name}`}
          message={chosen.loaded.message}
          onRetry={chosen.reload}
        />
      ) : !current ? (
        <Loading testId="evaluation-flow-loading" what={`flow ${flow.name}`} />
      ) : (
        <EvaluationOptions
          key={`${flow.id}:${current.flowVersion.version}:${dataset.id}`}
          flowId={flow.id}
          version={version}
          flow={current.flowVersion.flow}
          dataset={dataset}
        />
      )}
    </form>
  );
}
