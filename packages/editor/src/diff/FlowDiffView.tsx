import { type FlowDiff, isEmptyDiff, type NodeDiff } from '@groundwork/runtime/diff';
import type { ReactNode } from 'react';
import { FieldChangeList } from './FieldChangeList.js';
import { InterfaceDiffList } from './InterfaceDiffList.js';
import { describeMove, NodeDiffView } from './NodeDiffView.js';
import { type DiffSides, DiffSidesContext } from './sides.js';
import './diff.css';

/**
 * Everything that differs between two flows, in sections: the flow's name and description, inputs and outputs,
 * nodes (with their fields and variants), edges. Nodes that only moved on the canvas share one line at the end.
 * Its test id, `diff-view`, appears once there is a diff to read (not while the overlay is still loading it).
 */
export function FlowDiffView({ diff, sides }: { diff: FlowDiff; sides: DiffSides }) {
  if (isEmptyDiff(diff)) {
    return (
      <div className="flow-diff" data-testid="diff-view">
        <div className="diff-empty" data-testid="diff-empty">
          <strong>No differences</strong>
          <p>
            {sides.before} and {sides.after} hold the same flow.
          </p>
        </div>
      </div>
    );
  }
  const movedOnly = diff.nodes.filter(isMoveOnly);
  const nodes = diff.nodes.filter((change) => !isMoveOnly(change));
  return (
    <DiffSidesContext.Provider value={sides}>
      <div className="flow-diff" data-testid="diff-view">
        {diff.flow.length > 0 && (
          <DiffSection title="Flow" count={diff.flow.length} testId="diff-section-flow">
            <FieldChangeList changes={diff.flow} />
          </DiffSection>
        )}
        {diff.inputs.length > 0 && (
          <DiffSection title="Inputs" count={diff.inputs.length} testId="diff-section-inputs">
            <InterfaceDiffList side="input" changes={diff.inputs} />
          </DiffSection>
        )}
        {diff.outputs.length > 0 && (
          <DiffSection title="Outputs" count={diff.outputs.length} testId="diff-section-outputs">
            <InterfaceDiffList side="output" changes={diff.outputs} />
          </DiffSection>
        )}
        {diff.nodes.length > 0 && (
          <DiffSection title="Nodes" count={diff.nodes.length} testId="diff-section-nodes">
            {nodes.map((change) => (
              <NodeDiffView key={`${change.change}:${change.id}`} change={change} />
            ))}
            {movedOnly.length > 0 && (
              <p className="diff-moved">
                Moved on the canvas only:{' '}
                {movedOnly.map((change) => (
                  <span
                    key={change.id}
                    className="diff-moved-node"
                    data-testid={`diff-node-${change.id}`}
                    data-change="moved"
                    title={change.change === 'changed' && change.moved ? describeMove(change.moved) : undefined}
                  >
                    {change.id}
                  </span>
                ))}
              </p>
            )}
          </DiffSection>
        )}
        {diff.edges.length > 0 && (
          <DiffSection title="Edges" count={diff.edges.length} testId="diff-section-edges">
            <ul className="diff-edges">
              {diff.edges.map((edge) => (
                <li
                  key={`${edge.change}:${edge.from}:${edge.to}`}
                  className={`diff-edge change-${edge.change}`}
                  data-testid="diff-edge"
                  data-change={edge.change}
                  title={edge.change === 'added' ? 'connected' : 'disconnected'}
                >
                  <span className="diff-sign" aria-hidden="true">
                    {edge.change === 'added' ? '+' : '−'}
                  </span>
                  <code>
                    {edge.from} → {edge.to}
                  </code>
                </li>
              ))}
            </ul>
          </DiffSection>
        )}
      </div>
    </DiffSidesContext.Provider>
  );
}

const isMoveOnly = (change: NodeDiff) =>
  change.change === 'changed' &&
  change.moved !== undefined &&
  !change.renamedFrom &&
  change.fields.length === 0 &&
  change.variants.length === 0;

function DiffSection(props: { title: string; count: number; testId: string; children: ReactNode }) {
  return (
    <section className="diff-section" data-testid={props.testId}>
      <h3>
        {props.title} <span className="diff-count">{props.count}</span>
      </h3>
      {props.children}
    </section>
  );
}
