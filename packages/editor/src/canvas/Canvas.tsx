import { Background, BackgroundVariant, type EdgeTypes, type NodeTypes, ReactFlow, useReactFlow } from '@xyflow/react';
import { type DragEvent, useCallback, useEffect, useState } from 'react';
import type { FlowCanvasEdge, FlowCanvasNode } from '../graph/to-react-flow.js';
import { NODE_TYPE_MIME } from '../palette/node-drag.js';
import { useEditor } from '../state/editor-store.js';
import { CanvasControls, CanvasMiniMap } from './CanvasChrome.js';
import { ConnectionToast } from './ConnectionToast.js';
import { canConnect, connectEndOnCanvas, connectOnCanvas } from './connection-handlers.js';
import { FlowEdgeView } from './FlowEdgeView.js';
import { FlowNodeView } from './FlowNodeView.js';
import { useCanvasGraph } from './use-canvas-graph.js';
import { runCanvasAction, useCanvasShortcuts } from './use-canvas-shortcuts.js';
import '../palette/categories.css';
import './canvas.css';

// Module constants: React Flow warns and re-mounts every node when these objects change identity.
const NODE_TYPES: NodeTypes = { flow: FlowNodeView };
const EDGE_TYPES: EdgeTypes = { flow: FlowEdgeView };
/** Shift, Ctrl or Cmd + click adds to the selection; Shift + drag on the pane draws a selection box. */
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const FIT_OPTIONS = { padding: 0.15, maxZoom: 1.25 };

/** Whether a drag carries a palette node type (the data itself is only readable on drop). */
function carriesNodeType(event: DragEvent): boolean {
  return Array.from(event.dataTransfer.types).includes(NODE_TYPE_MIME);
}

/** Fits the view when a document is opened. `load` is the only change that leaves no history: undo keeps a future. */
function useFitOnLoad(fit: () => void) {
  useEffect(
    () =>
      useEditor.subscribe((state, previous) => {
        const loaded = state.flow !== previous.flow && state.past !== previous.past && state.past.length === 0;
        if (loaded && state.future.length === 0) fit();
      }),
    [fit],
  );
}

/** The flow being edited, drawn with React Flow: nodes and edges come from the editor store, and every edit goes back to it. */
export function Canvas() {
  const { nodes, edges, onNodesChange, onEdgesChange, onDragStart } = useCanvasGraph();
  const { screenToFlowPosition, fitView } = useReactFlow();
  const fit = useCallback(() => void fitView({ ...FIT_OPTIONS, duration: 200 }), [fitView]);
  useCanvasShortcuts(fit);
  useFitOnLoad(fit);
  // Fit on mount only when there is something to fit: React Flow's fitView prop otherwise fires when the first node is
  // dropped on an empty canvas, and the view jumps under the person's hand.
  const [fitOnMount] = useState(() => useEditor.getState().flow.nodes.length > 0);

  const onDragOver = useCallback((event: DragEvent) => {
    if (!carriesNodeType(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(NODE_TYPE_MIME);
      if (!type) return;
      event.preventDefault();
      useEditor.getState().addNode(type, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [screenToFlowPosition],
  );

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the palette; the keyboard way to add a node is in the palette.
    <div className="canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<FlowCanvasNode, FlowCanvasEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={onDragStart}
        onSelectionDragStart={onDragStart}
        isValidConnection={canConnect}
        onConnect={connectOnCanvas}
        onConnectEnd={(_event, connectionState) => connectEndOnCanvas(connectionState)}
        // Deleting goes through the store (useCanvasShortcuts), which also removes a node's edges in the same step.
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        fitView={fitOnMount}
        fitViewOptions={FIT_OPTIONS}
        minZoom={0.1}
        maxZoom={2}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1.5} />
        <CanvasControls onFitView={fit} onAutoLayout={() => runCanvasAction('auto-layout', fit)} />
        <CanvasMiniMap />
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="canvas-empty" data-testid="canvas-empty">
          <p className="canvas-empty-title">Drag a node from the palette, or open a flow</p>
          <p>Then draw edges from an output (right side of a node) to an input (left side).</p>
        </div>
      )}
      <ConnectionToast />
    </div>
  );
}
