import { useState } from 'react';
import { api, type Collection } from '../api/client.js';
import { useLoad } from '../evaluations/use-load.js';
import { chunkSettingsProblems } from './document-upload.js';

export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A new collection: a name, optionally a sentence-embedding model (for vector and hybrid search; without one search
 * is keyword only), and how documents are cut into chunks. What the server refuses is shown as it names it.
 */
export function CollectionCreate(props: { onCreated(collection: Collection): void }) {
  const [name, setName] = useState('');
  const [model, setModel] = useState('');
  const [size, setSize] = useState('1000');
  const [overlap, setOverlap] = useState('150');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  // The models folder's names, offered as suggestions; the field also takes a folder path.
  const models = useLoad(() => api.listModels().then((body) => body.models.map((entry) => entry.name)), []);

  const nameProblem =
    name && !COLLECTION_NAME_PATTERN.test(name)
      ? 'Start with a letter or digit; use only letters, digits, _, . and -'
      : undefined;
  const problems = chunkSettingsProblems(Number(size), Number(overlap));
  const valid = Boolean(name) && !nameProblem && !problems.size && !problems.overlap;

  const create = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const collection = await api.createCollection({
        name,
        ...(model.trim() ? { embeddingModel: model.trim() } : {}),
        chunkSize: Number(size),
        chunkOverlap: Number(overlap),
      });
      setName('');
      setModel('');
      props.onCreated(collection);
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="collection-create"
      aria-label="New collection"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid && !busy) void create();
      }}
    >
      <h3>New collection</h3>
      <label className="field">
        <span>Name</span>
        <input
          data-testid="collection-name"
          maxLength={100}
          value={name}
          aria-invalid={nameProblem ? true : undefined}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      {nameProblem && <div className="field-error">{nameProblem}</div>}
      <label className="field">
        <span>Embedding model (optional)</span>
        <input
          data-testid="collection-embedding-model"
          list="collection-model-names"
          placeholder="keyword search only"
          value={model}
          onChange={(event) => setModel(event.target.value)}
        />
        <datalist id="collection-model-names">
          {models.loaded.state === 'ready' && models.loaded.value.map((entry) => <option key={entry} value={entry} />)}
        </datalist>
      </label>
      <div className="collection-chunking">
        <label className="field">
          <span>Chunk size</span>
          <input
            type="number"
            data-testid="collection-chunk-size"
            min={100}
            max={20000}
            value={size}
            aria-invalid={problems.size ? true : undefined}
            onChange={(event) => setSize(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Overlap</span>
          <input
            type="number"
            data-testid="collection-chunk-overlap"
            min={0}
            value={overlap}
            aria-invalid={problems.overlap ? true : undefined}
            onChange={(event) => setOverlap(event.target.value)}
          />
        </label>
      </div>
      {problems.size && <div className="field-error">Chunk size: {problems.size}</div>}
      {problems.overlap && <div className="field-error">Overlap: {problems.overlap}</div>}
      <p className="muted small">Characters per chunk, and characters repeated from the chunk before.</p>
      <button type="submit" className="primary" data-testid="collection-create" disabled={!valid || busy}>
        {busy ? 'Creating…' : 'Create collection'}
      </button>
      {failure && (
        <div className="banner error" role="alert" data-testid="collection-create-error">
          {failure}
        </div>
      )}
    </form>
  );
}
