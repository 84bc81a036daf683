import { useRef, useState } from 'react';
import { api, type Collection, type SearchMode, type SearchResult } from '../api/client.js';
import { SearchResults } from './SearchResults.js';

export const QUERY_LIMIT = 2000;

type Outcome =
  | { state: 'idle' }
  | { state: 'searching' }
  | { state: 'error'; message: string }
  | { state: 'done'; query: string; requested: SearchMode; result: SearchResult };

/**
 * A query against the collection as a retrieve node would send it (top-k, mode, one source or all), and the ranked
 * chunks it finds. Vector and hybrid search need the collection's embedding model; without one, keyword only.
 */
export function SearchPanel(props: { collection: Collection; sources: string[] }) {
  const hasEmbeddings = Boolean(props.collection.embeddingModel);
  const [query, setQuery] = useState('');
  const [topK, setTopK] = useState('5');
  const [mode, setMode] = useState<SearchMode>(hasEmbeddings ? 'hybrid' : 'keyword');
  const [source, setSource] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const latest = useRef(0);

  const k = Number(topK);
  const topKProblem = Number.isInteger(k) && k >= 1 && k <= 100 ? undefined : 'Top k: a whole number from 1 to 100';
  const tooLong = query.length > QUERY_LIMIT;
  const ready = query.trim().length > 0 && !tooLong && !topKProblem;

  const search = async () => {
    const ticket = ++latest.current;
    setOutcome({ state: 'searching' });
    try {
      const result = await api.search(props.collection.id, {
        query,
        topK: k,
        mode,
        ...(source ? { sources: [source] } : {}),
      });
      if (ticket === latest.current) setOutcome({ state: 'done', query, requested: mode, result });
    } catch (error) {
      if (ticket === latest.current) setOutcome({ state: 'error', message: (error as Error).message });
    }
  };

  return (
    <div className="search-panel">
      <form
        className="search-form"
        aria-label="Search the collection"
        onSubmit={(event) => {
          event.preventDefault();
          if (ready) void search();
        }}
      >
        <input
          type="search"
          className="search-query"
          data-testid="collection-search"
          aria-label="Query"
          placeholder="Ask what a retrieve node would ask…"
          value={query}
          aria-invalid={tooLong ? true : undefined}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit" className="primary" data-testid="search-submit" disabled={!ready}>
          Search
        </button>
        <div className="search-options">
          <label>
            Top k{' '}
            <input
              type="number"
              min={1}
              max={100}
              data-testid="search-top-k"
              value={topK}
              aria-invalid={topKProblem ? true : undefined}
              onChange={(event) => setTopK(event.target.value)}
            />
          </label>
          <label>
            Mode{' '}
            <select
              data-testid="search-mode"
              value={mode}
              onChange={(event) => setMode(event.target.value as SearchMode)}
            >
              <option value="hybrid" disabled={!hasEmbeddings}>
                hybrid
              </option>
              <option value="keyword">keyword (BM25)</option>
              <option value="vector" disabled={!hasEmbeddings}>
                vector
              </option>
            </select>
          </label>
          <label>
            Source{' '}
            <select data-testid="search-source" value={source} onChange={(event) => setSource(event.target.value)}>
              <option value="">all documents</option>
              {props.sources.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        </div>
      </form>
      {!hasEmbeddings && (
        <p className="muted small">
          No embedding model: keyword search only (create a collection with one for vector and hybrid).
        </p>
      )}
      {tooLong && (
        <div className="field-error" data-testid="search-query-problem">
          The query is too long ({query.length} characters; at most {QUERY_LIMIT})
        </div>
      )}
      {topKProblem && <div className="field-error">{topKProblem}</div>}
      <SearchOutcome outcome={outcome} />
    </div>
  );
}

function SearchOutcome(props: { outcome: Outcome }) {
  const { outcome } = props;
  switch (outcome.state) {
    case 'idle':
      return null;
    case 'searching':
      return (
        <p className="muted" role="status" data-testid="search-loading">
          Searching…
        </p>
      );
    case 'error':
      return (
        <div className="banner error" role="alert" data-testid="search-error">
          Search failed: {outcome.message}
        </div>
      );
    case 'done':
      return (
        <>
          {outcome.result.mode !== outcome.requested && (
            <p className="muted small" data-testid="search-mode-used">
              Searched by {outcome.result.mode} (asked for {outcome.requested}).
            </p>
          )}
          {outcome.result.passages.length === 0 ? (
            <p className="empty-state small" data-testid="search-empty">
              No chunk matches “{outcome.query}”.
            </p>
          ) : (
            <SearchResults passages={outcome.result.passages} />
          )}
        </>
      );
  }
}
