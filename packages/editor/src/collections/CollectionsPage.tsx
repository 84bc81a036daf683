import { api } from '../api/client.js';
import { MainNav } from '../app/MainNav.js';
import { LoadError, Loading } from '../evaluations/LoadStates.js';
import { useLoad } from '../evaluations/use-load.js';
import { CollectionCreate } from './CollectionCreate.js';
import { CollectionView } from './CollectionView.js';
import { collectionHash, navigateToCollection } from './route.js';
// The page frame, tables, fields and banners are the evaluation pages' (one look for the editor's pages).
import '../evaluations/evaluations.css';
import './collections.css';

/** The document collections: the list with a form to create one, and the chosen collection. */
export function CollectionsPage(props: { selected?: string | undefined }) {
  const { loaded, reload } = useLoad(() => api.listCollections(), []);
  return (
    <div className="evaluations-app collections-app">
      <header className="toolbar evaluations-header">
        <span className="app-name">Groundwork</span>
        <MainNav current="collections" />
      </header>
      <main className="evaluations-main collections-page">
        <aside className="collections-side">
          <h3>Collections</h3>
          {loaded.state === 'loading' && <Loading testId="collections-loading" what="the collections" />}
          {loaded.state === 'error' && (
            <LoadError testId="collections-error" what="the collections" message={loaded.message} onRetry={reload} />
          )}
          {loaded.state === 'ready' && loaded.value.length === 0 && (
            <p className="empty-state small" data-testid="collections-empty">
              No collections yet. A collection holds documents (Markdown, text, HTML) that a retrieve node searches.
            </p>
          )}
          {loaded.state === 'ready' && loaded.value.length > 0 && (
            <ul className="collections-list" data-testid="collections-list">
              {loaded.value.map((collection) => (
                <li key={collection.id}>
                  <a
                    href={collectionHash(collection.name)}
                    data-testid={`collection-${collection.name}`}
                    aria-current={
                      props.selected === collection.name || props.selected === collection.id ? 'true' : undefined
                    }
                  >
                    <strong>{collection.name}</strong>
                    <span className="muted small">
                      {plural(collection.documentCount ?? 0, 'document')} ·{' '}
                      {plural(collection.chunkCount ?? 0, 'chunk')} · {collection.embeddingModel ?? 'keyword only'}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          <CollectionCreate
            onCreated={(collection) => {
              reload();
              navigateToCollection(collection.name);
            }}
          />
        </aside>
        <section className="collections-main">
          {props.selected ? (
            <CollectionView
              key={props.selected}
              collection={props.selected}
              onChanged={reload}
              onDeleted={() => {
                reload();
                navigateToCollection();
              }}
            />
          ) : (
            <div className="empty-state" data-testid="collection-none">
              Pick a collection to see its documents and try queries on it, or create one.
            </div>
          )}
        </section>
      </main>
    </div>
  );
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
