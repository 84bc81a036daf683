import { navigateToCollection } from '../collections/route.js';
import { navigate } from '../evaluations/route.js';

/**
 * The editor's places: the flow canvas, the evaluations (datasets, runs over them, comparisons) and the document
 * collections that retrieve nodes search.
 */
export function MainNav(props: { current: 'editor' | 'evaluations' | 'collections' }) {
  return (
    <nav className="main-nav" aria-label="Main">
      <button
        type="button"
        data-testid="nav-editor"
        aria-current={props.current === 'editor' ? 'page' : undefined}
        onClick={() => navigate('editor')}
      >
        Flows
      </button>
      <button
        type="button"
        data-testid="nav-evaluations"
        aria-current={props.current === 'evaluations' ? 'page' : undefined}
        title="Datasets, evaluations and comparisons"
        onClick={() => navigate({ page: 'list' })}
      >
        Evaluations
      </button>
      <button
        type="button"
        data-testid="nav-collections"
        aria-current={props.current === 'collections' ? 'page' : undefined}
        title="Document collections: upload documents, try queries"
        onClick={() => navigateToCollection()}
      >
        Collections
      </button>
    </nav>
  );
}
