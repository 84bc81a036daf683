import { useState } from 'react';
import { api, type Comparison, type Preference, type SideRef } from '../api/client.js';
import { ComparisonSummary } from './ComparisonSummary.js';
import { ComparisonTable } from './ComparisonTable.js';
import { parseSide, sideResults, sideText } from './comparison-data.js';
import { LoadError, Loading } from './LoadStates.js';
import { metricLabel } from './metrics.js';
import { RowView } from './RowView.js';
import { navigate } from './route.js';
import { SidePicker } from './SidePicker.js';
import { useLoad } from './use-load.js';

/**
 * Two sides (a combination of an evaluation each, on the same dataset) compared on one metric: the difference
 * B − A with its interval, rows better/worse/equal, every row, and a row view to read both answers and say which
 * is better. The sides and metric live in the location, so a comparison can be linked to.
 */
export function ComparisonPage(props: { a?: string | undefined; b?: string | undefined; metric?: string | undefined }) {
  const a = parseSide(props.a);
  const b = parseSide(props.b);
  const listing = useLoad(() => api.listEvaluations({ limit: 200 }), []);
  const evaluations = listing.loaded.state === 'ready' ? listing.loaded.value : [];
  const evaluationOf = (side: SideRef | undefined) =>
    evaluations.find((candidate) => candidate.id === side?.evaluation);
  const metrics = (evaluationOf(a)?.metrics ?? []).filter(
    (metric) => evaluationOf(b)?.metrics.includes(metric) ?? true,
  );
  const metric = props.metric ?? (metrics.includes('groundedness') ? 'groundedness' : metrics[0]);
  const go = (change: { a?: SideRef; b?: SideRef; metric?: string }) => {
    const nextA = change.a ?? a;
    const nextB = change.b ?? b;
    navigate({
      page: 'compare',
      ...(nextA ? { a: sideText(nextA) } : {}),
      ...(nextB ? { b: sideText(nextB) } : {}),
      ...((change.metric ?? metric) ? { metric: change.metric ?? metric } : {}),
    });
  };

  if (listing.loaded.state === 'loading') return <Loading testId="comparison-loading" what="the evaluations" />;
  if (listing.loaded.state === 'error')
    return (
      <LoadError
        testId="comparison-error"
        what="the evaluations"
        message={listing.loaded.message}
        onRetry={listing.reload}
      />
    );
  if (evaluations.length === 0)
    return (
      <p className="empty-state" data-testid="comparison-empty">
        Nothing to compare yet: run an evaluation first.
      </p>
    );
  return (
    <div className="comparison-page" data-testid="comparison-page">
      <div className="comparison-controls">
        <SidePicker
          label="A"
          evaluations={evaluations}
          value={a}
          dataset={evaluationOf(b)?.datasetId}
          onChange={(side) => go({ a: side })}
        />
        <SidePicker
          label="B"
          evaluations={evaluations}
          value={b}
          dataset={evaluationOf(a)?.datasetId}
          onChange={(side) => go({ b: side })}
        />
        <label className="field">
          <span>Metric</span>
          <select
            data-testid="comparison-metric"
            value={metric ?? ''}
            onChange={(event) => go({ metric: event.target.value })}
          >
            {metrics.map((name) => (
              <option key={name} value={name}>
                {metricLabel(name).label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {a && b && metric ? (
        <ComparisonBody key={`${sideText(a)}|${sideText(b)}|${metric}`} a={a} b={b} metric={metric} />
      ) : (
        <p className="empty-state" data-testid="comparison-choose">
          Choose two sides to compare: two combinations of one evaluation, or an evaluation and an earlier one of
          another flow version on the same dataset.
        </p>
      )}
    </div>
  );
}

function ComparisonBody(props: { a: SideRef; b: SideRef; metric: string }) {
  const { a, b, metric } = props;
  const comparison = useLoad(() => api.compare(a, b, metric), []);
  const results = useLoad(() => Promise.all([sideResults(a), sideResults(b)]), []);
  const [open, setOpen] = useState<number | undefined>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  if (comparison.loaded.state === 'loading' || results.loaded.state === 'loading')
    return <Loading testId="comparison-body-loading" what="the comparison" />;
  for (const [loaded, reload] of [
    [comparison.loaded, comparison.reload],
    [results.loaded, results.reload],
  ] as const)
    if (loaded.state === 'error')
      return (
        <LoadError testId="comparison-body-error" what="the comparison" message={loaded.message} onRetry={reload} />
      );
  if (comparison.loaded.state !== 'ready' || results.loaded.state !== 'ready') return null;
  const data = comparison.loaded.value;
  const [resultsA, resultsB] = results.loaded.value;
  const row = data.rows.find((candidate) => candidate.row === open);

  const prefer = async (rowIndex: number, preferred: Preference | null) => {
    setSaving(true);
    setProblem(undefined);
    try {
      if (preferred) await api.setPreference(a, b, rowIndex, preferred);
      else await api.clearPreference(a, b, rowIndex);
      const rows = data.rows.map((candidate) =>
        candidate.row === rowIndex ? { ...candidate, preference: preferred } : candidate,
      );
      comparison.set({ ...data, rows } satisfies Comparison);
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <ComparisonSummary comparison={data} />
      <ComparisonTable
        rows={data.rows}
        metric={metric}
        higherIsBetter={data.higherIsBetter}
        results={{ a: resultsA, b: resultsB }}
        onOpen={(index) => {
          setProblem(undefined);
          setOpen(index);
        }}
      />
      {row && (
        <RowView
          row={row}
          metric={metric}
          sides={{
            a: { key: data.a.key, result: resultsA.get(row.row) },
            b: { key: data.b.key, result: resultsB.get(row.row) },
          }}
          saving={saving}
          problem={problem}
          onPreference={(preferred) => void prefer(row.row, preferred)}
          onClose={() => setOpen(undefined)}
        />
      )}
    </>
  );
}
