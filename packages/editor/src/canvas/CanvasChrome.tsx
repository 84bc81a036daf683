import { ControlButton, Controls, MiniMap, type Node } from '@xyflow/react';
import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FlowNodeData } from '../graph/to-react-flow.js';
import { useRun } from '../state/run-store.js';
import type { NodeRunStatus } from '../state/run-view.js';

const STATUS_COLORS: Record<NodeRunStatus, string> = {
  queued: 'var(--border)',
  running: 'var(--running)',
  done: 'var(--ok)',
  skipped: 'var(--skipped)',
  error: 'var(--danger)',
};

/** A node's minimap colour: its run status while a run is shown, else red for problems, else neutral. */
export function minimapColor(node: Node, statuses: Readonly<Record<string, NodeRunStatus>>): string {
  const status = statuses[node.id];
  if (status) return STATUS_COLORS[status];
  const problems = (node.data as Partial<FlowNodeData>).problems;
  return problems && problems.length > 0 ? 'var(--danger)' : 'var(--muted)';
}

/** The minimap. Subscribes to statuses only (not streamed text), so tokens do not redraw it. */
export function CanvasMiniMap() {
  const statuses = useRun(
    useShallow((state) => {
      const nodes = state.view?.nodes ?? {};
      return Object.fromEntries(Object.entries(nodes).map(([id, run]) => [id, run.status])) as Record<
        string,
        NodeRunStatus
      >;
    }),
  );
  const nodeColor = useCallback((node: Node) => minimapColor(node, statuses), [statuses]);
  return <MiniMap pannable zoomable nodeColor={nodeColor} nodeStrokeWidth={0} ariaLabel="Minimap" />;
}

/** Zoom, fit view and auto-layout; undo and redo live in the toolbar. */
export function CanvasControls({ onFitView, onAutoLayout }: { onFitView(): void; onAutoLayout(): void }) {
  return (
    <Controls showFitView={false} showInteractive={false}>
      <ControlButton onClick={onFitView} title="Fit view (F)" aria-label="Fit view" data-testid="fit-view">
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
      </ControlButton>
      <ControlButton
        onClick={onAutoLayout}
        title="Auto-layout (Ctrl+L)"
        aria-label="Auto-layout"
        data-testid="auto-layout"
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <rect x="1" y="2" width="5" height="4" rx="1" fill="currentColor" />
          <rect x="10" y="2" width="5" height="4" rx="1" fill="currentColor" />
          <rect x="10" y="10" width="5" height="4" rx="1" fill="currentColor" />
          <path d="M6 4h4M8 4v8h2" fill="none" stroke="currentColor" strokeWidth="1.4" />
        </svg>
      </ControlButton>
    </Controls>
  );
}
