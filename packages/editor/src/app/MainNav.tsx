import { navigate } from '../evaluations/route.js';

/** The editor's two places: the flow canvas and the evaluations (datasets, runs over them, comparisons). */
export function MainNav(props: { current: 'editor' | 'evaluations' }) {
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
    </nav>
  );
}
