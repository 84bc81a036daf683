import { MainNav } from '../app/MainNav.js';
import { ComparisonPage } from './ComparisonPage.js';
import { DatasetsPage } from './DatasetsPage.js';
import { EvaluationList } from './EvaluationList.js';
import { EvaluationView } from './EvaluationView.js';
import { NewEvaluation } from './NewEvaluation.js';
import { type EvaluationRoute, routeHash } from './route.js';
import './evaluations.css';

const SECTIONS = [
  { page: 'list', label: 'Evaluations', testId: 'evaluations-nav-list' },
  { page: 'datasets', label: 'Datasets', testId: 'evaluations-nav-datasets' },
  { page: 'compare', label: 'Compare', testId: 'evaluations-nav-compare' },
] as const;

/** The evaluation pages under one header: the list, datasets, a new evaluation, one evaluation, a comparison. */
export function EvaluationsPage(props: { route: EvaluationRoute }) {
  const { route } = props;
  const section = route.page === 'evaluation' || route.page === 'new' ? 'list' : route.page;
  return (
    <div className="evaluations-app">
      <header className="toolbar evaluations-header">
        <span className="app-name">Groundwork</span>
        <MainNav current="evaluations" />
        <nav className="evaluations-sections" aria-label="Evaluations">
          {SECTIONS.map((item) => (
            <a
              key={item.page}
              href={routeHash({ page: item.page })}
              data-testid={item.testId}
              aria-current={section === item.page ? 'page' : undefined}
            >
              {item.label}
            </a>
          ))}
        </nav>
        <span className="evaluations-header-fill" />
        <a className="button primary" href={routeHash({ page: 'new' })} data-testid="evaluation-new">
          New evaluation
        </a>
      </header>
      <main className="evaluations-main">
        <Page route={route} />
      </main>
    </div>
  );
}

function Page(props: { route: EvaluationRoute }) {
  const { route } = props;
  switch (route.page) {
    case 'list':
      return <EvaluationList />;
    case 'datasets':
      return <DatasetsPage selected={route.dataset} />;
    case 'new':
      return <NewEvaluation key={`${route.flow}:${route.dataset}`} flow={route.flow} dataset={route.dataset} />;
    case 'evaluation':
      return <EvaluationView key={route.id} id={route.id} />;
    case 'compare':
      return <ComparisonPage a={route.a} b={route.b} metric={route.metric} />;
  }
}
