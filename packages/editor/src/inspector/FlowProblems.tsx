import { type FlowProblem, formatProblem } from '@groundwork/runtime/schema';
import { analysisOf } from '../graph/analysis.js';
import { edgeId } from '../graph/to-react-flow.js';
import { useEditor } from '../state/editor-store.js';

/** Every problem of the flow; one about a node or an edge selects it, so the inspector then shows it. */
export function FlowProblems() {
  const flow = useEditor((state) => state.flow);
  const select = useEditor((state) => state.select);
  const { problems } = analysisOf(flow);
  const focus = (problem: FlowProblem) => {
    if (problem.nodeId !== undefined) select({ nodes: [problem.nodeId], edges: [] });
    else if (problem.edge) select({ nodes: [], edges: [edgeId(problem.edge)] });
  };
  return (
    <section className="inspector-section">
      <h3>
        Problems <span className="count">{problems.length}</span>
      </h3>
      {problems.length === 0 ? (
        <p className="muted" data-testid="flow-problems-none">
          None: the flow can run.
        </p>
      ) : (
        <ul className="problem-list" data-testid="flow-problems">
          {problems.map((problem, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity of their own.
            <li key={index}>
              {problem.nodeId !== undefined || problem.edge ? (
                <button
                  type="button"
                  className="link problem-link"
                  data-testid={`flow-problem-${index}`}
                  onClick={() => focus(problem)}
                >
                  {formatProblem(problem)}
                </button>
              ) : (
                <span data-testid={`flow-problem-${index}`}>{formatProblem(problem)}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
