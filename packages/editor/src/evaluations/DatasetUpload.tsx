import { useRef, useState } from 'react';
import { api, type Dataset, type DatasetProblem } from '../api/client.js';
import { DATASET_NAME_PATTERN, datasetNameOf, uploadFormatOf, uploadProblemsOf } from './dataset-upload.js';

type Pending = { file: File; name: string };
type Failure = { message: string; problems: DatasetProblem[] };

/**
 * Choosing a file proposes a name from it; Upload sends it. A refused file lists every bad line the server named,
 * with its line number, and nothing is stored, so the user fixes the file and chooses it again.
 */
export function DatasetUpload(props: { onUploaded(dataset: Dataset): void }) {
  const [pending, setPending] = useState<Pending | undefined>();
  const [failure, setFailure] = useState<Failure | undefined>();
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const format = pending ? uploadFormatOf(pending.file.name) : null;
  const nameProblem =
    pending && !DATASET_NAME_PATTERN.test(pending.name)
      ? 'Start with a letter or digit; use only letters, digits, _, . and -'
      : undefined;

  const upload = async () => {
    if (!pending || !format) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const dataset = await api.uploadDataset(pending.name, await pending.file.text(), format.contentType);
      setPending(undefined);
      props.onUploaded(dataset);
    } catch (error) {
      setFailure(uploadProblemsOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="dataset-upload" aria-label="Upload a dataset">
      <label className="file-choice">
        <span>Upload a dataset</span>
        <input
          ref={fileInput}
          type="file"
          accept=".jsonl,.ndjson,.csv,.json"
          data-testid="dataset-upload"
          onChange={(event) => {
            const file = event.target.files?.[0];
            // Cleared so that choosing the same file again (after fixing it) fires change again.
            event.target.value = '';
            if (!file) return;
            setFailure(undefined);
            setPending({ file, name: datasetNameOf(file.name) });
          }}
        />
      </label>
      <p className="muted small">
        JSON Lines (one object per line), CSV with a header row, or a JSON array of objects.
      </p>
      {pending && (
        <div className="upload-pending" data-testid="dataset-upload-form">
          <div className="muted small">
            {pending.file.name} · {formatSize(pending.file.size)} ·{' '}
            {format ? format.format.toUpperCase() : <span className="field-error">unknown format</span>}
          </div>
          <label className="field">
            <span>Name</span>
            <input
              data-testid="dataset-name"
              value={pending.name}
              aria-invalid={nameProblem ? true : undefined}
              onChange={(event) => setPending({ ...pending, name: event.target.value })}
            />
          </label>
          {nameProblem && <div className="field-error">{nameProblem}</div>}
          {!format && (
            <div className="field-error">Choose a .jsonl, .ndjson, .csv or .json file: the name says the format.</div>
          )}
          <div className="row-actions">
            <button
              type="button"
              className="primary"
              data-testid="dataset-upload-confirm"
              disabled={busy || !format || Boolean(nameProblem)}
              onClick={() => void upload()}
            >
              {busy ? 'Uploading…' : 'Upload'}
            </button>
            <button type="button" disabled={busy} onClick={() => setPending(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {failure && (
        <div className="banner error upload-error" role="alert" data-testid="dataset-upload-error">
          <strong>{failure.message}</strong>
          {failure.problems.length > 0 && (
            <ul className="upload-problems">
              {failure.problems.map((problem, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: problems are shown once, in the order given.
                <li key={index} data-testid="dataset-upload-problem">
                  {problem.line !== null && <span className="line">line {problem.line}</span>} {problem.message}
                </li>
              ))}
            </ul>
          )}
          <p className="small">Nothing was stored. Fix the file and choose it again.</p>
        </div>
      )}
    </section>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
