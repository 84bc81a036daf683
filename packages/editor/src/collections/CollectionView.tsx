import { useState } from 'react';
import { api } from '../api/client.js';
import { LoadError, Loading } from '../evaluations/LoadStates.js';
import { useLoad } from '../evaluations/use-load.js';
import { plural } from './CollectionsPage.js';
import { DocumentTable } from './DocumentTable.js';
import { DocumentUpload } from './DocumentUpload.js';
import { SearchPanel } from './SearchPanel.js';

/** One collection: what it holds and how it cuts documents, uploading and removing documents, and trying queries. */
export function CollectionView(props: { collection: string; onChanged(): void; onDeleted(): void }) {
  const { loaded, reload } = useLoad(() => api.getCollection(props.collection), [props.collection]);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  if (loaded.state === 'loading')
    return <Loading testId="collection-loading" what={`collection ${props.collection}`} />;
  if (loaded.state === 'error')
    return (
      <LoadError
        testId="collection-error"
        what={`collection ${props.collection}`}
        message={loaded.message}
        onRetry={loaded.status === 404 ? undefined : reload}
      />
    );
  const { collection, documents } = loaded.value;
  const chunks = documents.reduce((sum, document) => sum + document.chunkCount, 0);
  const changed = () => {
    reload();
    props.onChanged();
  };

  const remove = async () => {
    setProblem(undefined);
    try {
      await api.deleteCollection(collection.id);
      props.onDeleted();
    } catch (error) {
      setProblem((error as Error).message);
      setConfirming(false);
    }
  };

  return (
    <div className="collection-view" data-testid="collection-view">
      <div className="page-head">
        <h2>{collection.name}</h2>
        <span className="muted" data-testid="collection-summary">
          {plural(documents.length, 'document')} · {plural(chunks, 'chunk')} ·{' '}
          {collection.embeddingModel ? `embeddings: ${collection.embeddingModel}` : 'keyword search only'} · chunks of{' '}
          {collection.chunkSize} characters, {collection.chunkOverlap} overlap
        </span>
        <span className="fill" />
        {confirming ? (
          <>
            <button
              type="button"
              className="danger"
              data-testid="collection-delete-confirm"
              onClick={() => void remove()}
            >
              Delete {collection.name} and its documents
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" data-testid="collection-delete" onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
      </div>
      {problem && (
        <div className="banner error" role="alert" data-testid="collection-delete-error">
          {problem}
        </div>
      )}
      <div className="collection-columns">
        <section className="collection-documents" aria-label="Documents">
          <h3>Documents</h3>
          <DocumentUpload collection={collection.id} onUploaded={changed} />
          <DocumentTable collection={collection.id} documents={documents} onRemoved={changed} />
        </section>
        <section className="collection-search" aria-label="Search">
          <h3>Try a query</h3>
          <SearchPanel collection={collection} sources={documents.map((document) => document.source)} />
        </section>
      </div>
    </div>
  );
}
