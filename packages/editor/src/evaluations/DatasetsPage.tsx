import { api } from '../api/client.js';
import { DatasetPreview } from './DatasetPreview.js';
import { DatasetUpload } from './DatasetUpload.js';
import { LoadError, Loading } from './LoadStates.js';
import { navigate, routeHash } from './route.js';
import { useLoad } from './use-load.js';

/** The datasets: upload one, pick one to see its rows. */
export function DatasetsPage(props: { selected?: string | undefined }) {
  const { loaded, reload } = useLoad(() => api.listDatasets(), []);
  return (
    <div className="datasets-page">
      <aside className="datasets-side">
        <DatasetUpload
          onUploaded={(dataset) => {
            reload();
            navigate({ page: 'datasets', dataset: dataset.name });
          }}
        />
        <h3>Datasets</h3>
        {loaded.state === 'loading' && <Loading testId="datasets-loading" what="the datasets" />}
        {loaded.state === 'error' && (
          <LoadError testId="datasets-error" what="the datasets" message={loaded.message} onRetry={reload} />
        )}
        {loaded.state === 'ready' && loaded.value.length === 0 && (
          <p className="empty-state small" data-testid="datasets-empty">
            No datasets yet. Upload a file of rows (a question, a context, a reference answer...) to run flows over.
          </p>
        )}
        {loaded.state === 'ready' && loaded.value.length > 0 && (
          <ul className="datasets-list" data-testid="datasets-list">
            {loaded.value.map((dataset) => (
              <li key={dataset.id}>
                <a
                  href={routeHash({ page: 'datasets', dataset: dataset.name })}
                  data-testid={`dataset-${dataset.name}`}
                  aria-current={props.selected === dataset.name || props.selected === dataset.id ? 'true' : undefined}
                >
                  <strong>{dataset.name}</strong>
                  <span className="muted small">
                    {dataset.rowCount} rows · {dataset.format.toUpperCase()} · {dataset.columns.join(', ')}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </aside>
      <section className="datasets-main">
        {props.selected ? (
          <DatasetPreview
            key={props.selected}
            dataset={props.selected}
            onDeleted={() => {
              reload();
              navigate({ page: 'datasets' });
            }}
          />
        ) : (
          <div className="empty-state" data-testid="dataset-none">
            Pick a dataset to see its rows, or upload one.
          </div>
        )}
      </section>
    </div>
  );
}
