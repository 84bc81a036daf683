import { useState } from 'react';
import { api, type CollectionDocument } from '../api/client.js';

/** A collection's documents: source, format, size, chunks and when last changed; each can be removed. */
export function DocumentTable(props: { collection: string; documents: CollectionDocument[]; onRemoved(): void }) {
  const [confirming, setConfirming] = useState<string | undefined>();
  const [removing, setRemoving] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  const remove = async (document: CollectionDocument) => {
    setProblem(undefined);
    setRemoving(document.id);
    try {
      await api.removeDocument(props.collection, document.id);
      props.onRemoved();
    } catch (error) {
      setProblem(`Could not remove ${document.source}: ${(error as Error).message}`);
    } finally {
      setRemoving(undefined);
      setConfirming(undefined);
    }
  };

  if (props.documents.length === 0)
    return (
      <p className="empty-state small" data-testid="documents-empty">
        No documents yet. Upload Markdown, text or HTML files: they are cut into chunks that search finds.
      </p>
    );
  return (
    <>
      {problem && (
        <div className="banner error" role="alert" data-testid="document-remove-error">
          {problem}
        </div>
      )}
      <div className="table-scroll">
        <table className="data-table" data-testid="collection-documents">
          <thead>
            <tr>
              <th>Source</th>
              <th className="number">Chunks</th>
              <th>Updated</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.documents.map((document) => (
              <tr key={document.id} data-testid="collection-document" data-source={document.source}>
                <td>
                  <span className="document-source">{document.source}</span>
                  <span className="muted small document-facts">
                    {document.format} · {document.chars.toLocaleString('en-US')} characters
                  </span>
                </td>
                <td className="number">{document.chunkCount}</td>
                <td
                  className="muted small document-updated"
                  title={document.addedAt === document.updatedAt ? undefined : 'replaced'}
                >
                  {new Date(document.updatedAt).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}
                </td>
                <td className="document-actions">
                  {confirming === document.id ? (
                    <>
                      <button
                        type="button"
                        className="danger"
                        data-testid="document-remove-confirm"
                        disabled={removing === document.id}
                        onClick={() => void remove(document)}
                      >
                        Remove
                      </button>
                      <button type="button" onClick={() => setConfirming(undefined)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      data-testid="document-remove"
                      aria-label={`Remove ${document.source}`}
                      onClick={() => setConfirming(document.id)}
                    >
                      Remove…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
