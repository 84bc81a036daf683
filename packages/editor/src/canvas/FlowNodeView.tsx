import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowCanvasNode } from '../graph/to-react-flow.js';
import { useRun } from '../state/run-store.js';
import { NodeRunNotes, StatusBadge } from './NodeRunNotes.js';
import { nodeSummary } from './node-summary.js';
import { PortRows } from './PortRows.js';

/** How many problem messages a card lists; the badge's hover text has them all. */
const LISTED_PROBLEMS = 2;

/**
 * A node on the canvas: its title and id, a summary of its config, one row per port, its problems and, while a run is
 * shown, what the run did here. The run state is read per node from the run store, so streamed tokens re-render only
 * the node they belong to, never the whole canvas.
 */
function FlowNodeViewComponent({ id, data, selected }: NodeProps<FlowCanvasNode>) {
  const { node, nodeType, title, inputs, outputs, problems } = data;
  const run = useRun((state) => state.view?.nodes[id]);
  const summary = nodeSummary(node);
  const messages = problems.map((problem) => problem.message);
  const classes = [
    'flow-node',
    `category-${nodeType?.category ?? 'unknown'}`,
    selected ? 'selected' : '',
    problems.length > 0 ? 'has-problems' : '',
    run ? `status-${run.status}` : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      className={classes}
      data-testid={`node-${id}`}
      data-type={node.type}
      data-status={run?.status}
      data-problems={problems.length > 0 ? problems.length : undefined}
    >
      <header className="flow-node-header" title={node.description ?? nodeType?.description}>
        <span className="flow-node-title">{title}</span>
        <span className="flow-node-id">{id}</span>
        <span className="flow-node-badges">
          {problems.length > 0 && (
            <span className="flow-node-problem-badge" data-testid={`node-problems-${id}`} title={messages.join('\n')}>
              ⚠ {problems.length}
            </span>
          )}
          {run && <StatusBadge nodeId={id} run={run} />}
        </span>
      </header>
      {!nodeType && <div className="flow-node-summary">unknown node type “{node.type}”</div>}
      {summary && (
        <div className={`flow-node-summary${summary.code ? ' code' : ''}`} title={summary.text}>
          {summary.variant && (
            <span className="flow-node-variant" title={`default variant of ${summary.variant.count}`}>
              {summary.variant.name}
            </span>
          )}
          {summary.text}
        </div>
      )}
      <PortRows nodeId={id} inputs={inputs} outputs={outputs} />
      {problems.length > 0 && (
        <ul className="flow-node-problem-list">
          {messages.slice(0, LISTED_PROBLEMS).map((message, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: two problems may share a message; the list never reorders.
            <li key={index}>{message}</li>
          ))}
          {messages.length > LISTED_PROBLEMS && <li>and {messages.length - LISTED_PROBLEMS} more</li>}
        </ul>
      )}
      {run && <NodeRunNotes nodeId={id} run={run} streams={node.type === 'llm'} />}
    </div>
  );
}

export const FlowNodeView = memo(FlowNodeViewComponent);
