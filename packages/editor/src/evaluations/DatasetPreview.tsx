import { useState } from 'react';
import { api } from '../api/client.js';
import { LoadError, Loading } from './LoadStates.js';
import { routeHash } from './route.js';
import { useLoad } from './use-load.js';

const PAGE = 50;

/** One dataset: its columns and a page of its rows, with evaluating it and deleting it. */
export function DatasetPreview(props: { dataset: string; onDeleted(): void }) {
  const [offset, setOffset] = useState(0);
  const { loaded, reload } = useLoad(
    () => api.getDataset(props.dataset, { offset, limit: PAGE }),
    [props.dataset, offset],
  );
  const [problem, setProblem] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);

  if (loaded.state === 'loading') return <Loading testId="dataset-loading" what={`dataset ${props.dataset}`} />;
  if (loaded.state === 'error')
    return (
      <LoadError
        testId="dataset-error"
        what={`dataset ${props.dataset}`}
        message={loaded.message}
        onRetry={loaded.status === 404 ? undefined : reload}
      />
    );
  const { dataset, rows } = loaded.value;

  const remove = async () => {
    setProblem(undefined);
    try {
      await api.deleteDataset(dataset.id);
      props.onDeleted();
    } catch (error) {
      setProblem((error as Error).message);
      setConfirming(false);
    }
  };

  return (
    <div className="dataset-preview" data-testid="dataset-preview">
      <div className="page-head">
        <h2>{dataset.name}</h2>
        <span className="muted">
          {dataset.rowCount} rows · {dataset.format.toUpperCase()} · added{' '}
          {new Date(dataset.createdAt).toLocaleString()}
        </span>
        <span className="fill" />
        <a className="button primary" href={routeHash({ page: 'new', dataset: dataset.name })}>
          Evaluate a flow on it
        </a>
        {confirming ? (
          <>
            <button type="button" className="danger" data-testid="dataset-delete-confirm" onClick={() => void remove()}>
              Delete {dataset.name}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" data-testid="dataset-delete" onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
      </div>
      {problem && (
        <div className="banner error" role="alert" data-testid="dataset-delete-error">
          {problem}
        </div>
      )}
      {rows.length === 0 ? (
        <p className="empty-state">This dataset has no rows.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="dataset-rows">
            <thead>
              <tr>
                <th>#</th>
                {dataset.columns.map((column) => (
                  <th key={column}>{column}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.index} data-testid="dataset-row">
                  <td className="muted">{row.index + 1}</td>
                  {dataset.columns.map((column) => (
                    <td key={column}>
                      <CellText value={row.values[column]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {dataset.rowCount > PAGE && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Previous
          </button>
          <span className="muted">
            rows {offset + 1}–{Math.min(offset + PAGE, dataset.rowCount)} of {dataset.rowCount}
          </span>
          <button type="button" disabled={offset + PAGE >= dataset.rowCount} onClick={() => setOffset(offset + PAGE)}>
            Next
          </button>
        </div>
      )}
    </div>
  );
}

/** A cell's value: text as it is, anything else as JSON; long values clipped (the full value on hover). */
export function CellText(props: { value: unknown; limit?: number }) {
  const { value } = props;
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const limit = props.limit ?? 240;
  return (
    <span title={text.length > limit ? text : undefined}>
      {text.length > limit ? `${text.slice(0, limit)}…` : text}
    </span>
  );
}
