import { useState } from 'react';
import { useEditor } from '../state/editor-store.js';
import { FlowSettings } from './FlowSettings.js';
import { NodeInspector } from './NodeInspector.js';
import './inspector.css';

/** Several nodes selected: what they are, and how to act on them together. */
function MultiSelection({ nodeIds }: { nodeIds: readonly string[] }) {
  const flow = useEditor((state) => state.flow);
  const counts = new Map<string, number>();
  for (const node of flow.nodes) {
    if (nodeIds.includes(node.id)) counts.set(node.type, (counts.get(node.type) ?? 0) + 1);
  }
  return (
    <div className="inspector-section" data-testid="inspector-multi">
      <h2>{nodeIds.length} nodes selected</h2>
      <p className="muted">{[...counts].map(([type, count]) => `${count} ${type}`).join(', ')}</p>
      <p className="muted">
        Press <kbd>Delete</kbd> to remove them with their edges, <kbd>Ctrl</kbd>+<kbd>C</kbd> to copy them. Select one
        node to edit it.
      </p>
    </div>
  );
}

/**
 * The right panel's inspector: the flow's settings with nothing selected, one node's settings, or a summary of a
 * multiple selection.
 */
export function Inspector() {
  const flow = useEditor((state) => state.flow);
  const selected = useEditor((state) => state.selection.nodes);
  const node = selected.length === 1 ? flow.nodes.find((candidate) => candidate.id === selected[0]) : undefined;
  // The node panel starts afresh for another node (drafts, the variant shown), but not when the node is renamed
  // from its own id field, which must keep its focus: a renamed node keeps the key it had.
  const [keys, setKeys] = useState<Record<string, string>>({});
  return (
    <div className="inspector" data-testid="inspector">
      {selected.length > 1 ? (
        <MultiSelection nodeIds={selected} />
      ) : node ? (
        <NodeInspector
          key={keys[node.id] ?? node.id}
          flow={flow}
          node={node}
          onRenamed={(from, to) => setKeys((current) => ({ [to]: current[from] ?? from }))}
        />
      ) : (
        <FlowSettings />
      )}
    </div>
  );
}
