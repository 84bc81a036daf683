import { useState } from 'react';
import { api, type DocumentStatus } from '../api/client.js';
import { DOCUMENT_EXTENSIONS, documentFormatOf } from './document-upload.js';

type Outcome =
  | { state: 'waiting' | 'uploading' }
  | { state: 'done'; status: DocumentStatus; chunks: number }
  | { state: 'failed'; message: string };

interface FileUpload {
  source: string;
  outcome: Outcome;
}

/**
 * Uploads the chosen files one after another, each under its name (its path in a chosen folder), and says per file
 * what happened: added, replaced (a changed document's chunks), unchanged (same content), or why it was refused.
 */
export function DocumentUpload(props: { collection: string; onUploaded(): void }) {
  const [uploads, setUploads] = useState<FileUpload[]>([]);
  const busy = uploads.some((upload) => upload.outcome.state === 'waiting' || upload.outcome.state === 'uploading');

  const uploadAll = async (files: File[]) => {
    const sources = files.map((file) => file.webkitRelativePath || file.name);
    const set = (index: number, outcome: Outcome) =>
      setUploads((current) => current.map((upload, at) => (at === index ? { ...upload, outcome } : upload)));
    setUploads(sources.map((source) => ({ source, outcome: { state: 'waiting' } })));
    let stored = false;
    for (const [index, file] of files.entries()) {
      const format = documentFormatOf(file.name);
      if (!format) {
        set(index, { state: 'failed', message: `not a ${DOCUMENT_EXTENSIONS.replaceAll(',', ', ')} file` });
        continue;
      }
      set(index, { state: 'uploading' });
      try {
        const result = await api.addDocument(props.collection, sources[index]!, await file.text(), format.contentType);
        set(index, { state: 'done', status: result.status, chunks: result.document.chunkCount });
        stored ||= result.status !== 'unchanged';
      } catch (error) {
        set(index, { state: 'failed', message: (error as Error).message });
      }
    }
    if (stored) props.onUploaded();
  };

  return (
    <div className="document-upload">
      <label className="file-choice">
        <span>Upload documents</span>
        <input
          type="file"
          multiple
          accept={DOCUMENT_EXTENSIONS}
          disabled={busy}
          data-testid="collection-upload"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            // Cleared so that choosing the same files again (after changing them) fires change again.
            event.target.value = '';
            if (files.length > 0) void uploadAll(files);
          }}
        />
      </label>
      <p className="muted small">Markdown, text or HTML; a file with the name of a stored one replaces it.</p>
      {uploads.length > 0 && (
        <ul className="upload-results" data-testid="upload-results" aria-live="polite">
          {uploads.map((upload) => (
            <li
              key={upload.source}
              data-testid="upload-result"
              data-source={upload.source}
              data-status={upload.outcome.state === 'done' ? upload.outcome.status : upload.outcome.state}
            >
              <span className="upload-source">{upload.source}</span> <OutcomeText outcome={upload.outcome} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function OutcomeText(props: { outcome: Outcome }) {
  const { outcome } = props;
  switch (outcome.state) {
    case 'waiting':
      return <span className="muted">waiting</span>;
    case 'uploading':
      return <span className="muted">uploading…</span>;
    case 'failed':
      return <span className="field-error">refused: {outcome.message}</span>;
    case 'done':
      return (
        <span className={`upload-status ${outcome.status}`}>
          {outcome.status}
          {outcome.status !== 'unchanged' && (
            <span className="muted">
              {' '}
              ({outcome.chunks} chunk{outcome.chunks === 1 ? '' : 's'})
            </span>
          )}
        </span>
      );
  }
}
