import type { AnyNodeType } from '@groundwork/runtime/node-types';
import { type Flow, type FlowNode, type FlowProblem, formatPath } from '@groundwork/runtime/schema';
import { useRef } from 'react';
import { useEditor } from '../state/editor-store.js';
import { FieldRow } from './FieldRow.js';
import { nodeIdProblem, renameNode } from './flow-edits.js';
import { useDraft } from './use-draft.js';

export interface NodeIdentityProps {
  flow: Flow;
  node: FlowNode;
  nodeType: AnyNodeType | undefined;
  problems: readonly FlowProblem[];
  /** Called after the node got a new id, so the inspector keeps state that belongs to it. */
  onRenamed(id: string): void;
}

/** Where in the node a problem is (`config.template`), without the node's own place in the flow. */
function whereIn(problem: FlowProblem): string | undefined {
  const inside = problem.path[0] === 'nodes' ? problem.path.slice(2) : problem.path;
  return inside.length > 0 ? formatPath(inside) : undefined;
}

/** The node's type, id, title and description, and what is wrong with it. */
export function NodeIdentity({ flow, node, nodeType, problems, onRenamed }: NodeIdentityProps) {
  const { change, updateNode, select } = useEditor.getState();
  const id = useDraft(node.id);
  const idProblem = nodeIdProblem(flow, node.id, id.text);
  // One undo step for one session of typing a new id, although the id (the usual key) changes with every key.
  const renameKey = useRef<string | undefined>(undefined);
  const setText = (field: 'title' | 'description', text: string) =>
    updateNode(
      node.id,
      (current) => {
        const { [field]: _old, ...rest } = current;
        return text === '' ? rest : { ...current, [field]: text };
      },
      `node:${node.id}:${field}`,
    );
  return (
    <section className="inspector-section node-identity">
      <header className="inspector-header">
        <h2 data-testid="node-type-title">{nodeType?.title ?? node.type}</h2>
        <span className="node-type-name">{node.type}</span>
      </header>
      {nodeType ? (
        <p className="muted node-type-description">{nodeType.description}</p>
      ) : (
        <p className="danger">Unknown node type “{node.type}”.</p>
      )}
      <FieldRow
        label="Id"
        htmlFor="node-id"
        help="Edges name the node by its id (node.port)."
        errorTestId="node-id-error"
        {...(idProblem ? { error: idProblem } : {})}
      >
        <input
          id="node-id"
          data-testid="node-id"
          type="text"
          className="mono"
          aria-invalid={idProblem ? true : undefined}
          value={id.text}
          onFocus={() => {
            renameKey.current = `node-id:${node.id}`;
          }}
          onBlur={() => {
            renameKey.current = undefined;
          }}
          onChange={(event) => {
            const next = event.target.value;
            if (nodeIdProblem(flow, node.id, next) !== undefined || next === node.id) return id.edit(next);
            id.edit(next, next);
            change((current) => renameNode(current, node.id, next), renameKey.current ?? `node-id:${node.id}`);
            select({ nodes: [next] });
            onRenamed(next);
          }}
        />
      </FieldRow>
      <FieldRow label="Title" htmlFor="node-title" help="Shown on the canvas instead of the type.">
        <input
          id="node-title"
          data-testid="node-title"
          type="text"
          placeholder={nodeType?.title}
          value={node.title ?? ''}
          onChange={(event) => setText('title', event.target.value)}
        />
      </FieldRow>
      <FieldRow label="Description" htmlFor="node-description">
        <textarea
          id="node-description"
          data-testid="node-description"
          className="prose"
          rows={2}
          value={node.description ?? ''}
          onChange={(event) => setText('description', event.target.value)}
        />
      </FieldRow>
      {problems.length > 0 && (
        <ul className="problem-list" data-testid="node-problems">
          {problems.map((problem, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity of their own.
            <li key={index}>
              {problem.message} {whereIn(problem) && <span className="problem-path">{whereIn(problem)}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
