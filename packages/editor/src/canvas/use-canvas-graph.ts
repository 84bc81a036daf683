import type { Flow, Position } from '@groundwork/runtime/schema';
import type { EdgeChange, NodeChange, OnEdgesChange, OnNodesChange } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { type FlowCanvasEdge, type FlowCanvasNode, toReactFlow } from '../graph/to-react-flow.js';
import { useEditor } from '../state/editor-store.js';

interface Size {
  width: number;
  height: number;
}

/** One node as last handed to React Flow, with what it was made from, to hand over the same object when nothing moved. */
interface CachedNode {
  source: FlowCanvasNode;
  selected: boolean;
  position: Position;
  size: Size | undefined;
  node: FlowCanvasNode;
}

/** The ids in `next`, in the order of `current` first, when they differ from `current`; undefined when the same. */
function changedSelection(current: readonly string[], next: ReadonlySet<string>): string[] | undefined {
  if (current.length === next.size && current.every((id) => next.has(id))) return undefined;
  return [...current.filter((id) => next.has(id)), ...[...next].filter((id) => !current.includes(id))];
}

function applySelectChanges(
  current: readonly string[],
  changes: readonly (NodeChange | EdgeChange)[],
): string[] | undefined {
  const next = new Set(current);
  for (const change of changes) {
    if (change.type !== 'select') continue;
    if (change.selected) next.add(change.id);
    else next.delete(change.id);
  }
  return changedSelection(current, next);
}

/** The positions that differ (after the store's rounding) from where the flow has the nodes. */
function movedPositions(flow: Flow, positions: Record<string, Position>): Record<string, Position> | undefined {
  const byId = new Map(flow.nodes.map((node) => [node.id, node]));
  const moved = Object.entries(positions).filter(([id, position]) => {
    const current = byId.get(id)?.position;
    return byId.has(id) && (current?.x !== Math.round(position.x) || current?.y !== Math.round(position.y));
  });
  return moved.length > 0 ? Object.fromEntries(moved) : undefined;
}

function without<T>(record: Record<string, T>, ids: readonly string[]): Record<string, T> {
  const next = { ...record };
  for (const id of ids) delete next[id];
  return next;
}

/**
 * The store's flow as React Flow's controlled nodes and edges, and React Flow's changes back into the store.
 *
 * - Nodes and edges come from `toReactFlow`, computed once per flow document (documents are never mutated).
 * - While a drag is in progress, positions live here, not in the store: the document changes once, when the drag
 *   ends, so a drag is one undo step and the runtime's analysis does not rerun on every pointer move.
 * - Sizes React Flow measures are kept here too: a controlled node without `measured` would be measured again forever.
 * - Selection changes (click, modifier-click, box select) go to the store's `select`, which the inspector follows.
 */
export function useCanvasGraph() {
  const flow = useEditor((state) => state.flow);
  const selection = useEditor((state) => state.selection);
  const graph = useMemo(() => toReactFlow(flow), [flow]);
  const [dragging, setDragging] = useState<Record<string, Position>>({});
  const [sizes, setSizes] = useState<Record<string, Size>>({});
  const cache = useRef(new Map<string, CachedNode>());

  const nodes = useMemo(() => {
    const selected = new Set(selection.nodes);
    const next = new Map<string, CachedNode>();
    const result = graph.nodes.map((source) => {
      const entry = {
        source,
        selected: selected.has(source.id),
        position: dragging[source.id] ?? source.position,
        size: sizes[source.id],
      };
      const last = cache.current.get(source.id);
      // Same object for an unchanged node, so React Flow (and the memoised node view) skip it during drags.
      const same =
        last &&
        last.source === entry.source &&
        last.selected === entry.selected &&
        last.position === entry.position &&
        last.size === entry.size;
      const node: FlowCanvasNode = same
        ? last.node
        : {
            ...source,
            selected: entry.selected,
            position: entry.position,
            ...(entry.size ? { measured: entry.size } : {}),
          };
      next.set(source.id, { ...entry, node });
      return node;
    });
    cache.current = next;
    return result;
  }, [graph, selection.nodes, dragging, sizes]);

  const edges = useMemo(() => {
    const selected = new Set(selection.edges);
    return graph.edges.map((edge): FlowCanvasEdge => ({ ...edge, type: 'flow', selected: selected.has(edge.id) }));
  }, [graph, selection.edges]);

  const onNodesChange: OnNodesChange<FlowCanvasNode> = useCallback((changes) => {
    const editor = useEditor.getState();
    const selected = applySelectChanges(editor.selection.nodes, changes);
    if (selected) editor.select({ nodes: selected });

    const moving: Record<string, Position> = {};
    const settled: Record<string, Position> = {};
    const measured: Record<string, Size> = {};
    for (const change of changes) {
      if (change.type === 'position' && change.position) {
        (change.dragging ? moving : settled)[change.id] = change.position;
      } else if (change.type === 'dimensions' && change.dimensions) {
        measured[change.id] = change.dimensions;
      }
    }
    if (Object.keys(moving).length > 0) setDragging((current) => ({ ...current, ...moving }));
    if (Object.keys(settled).length > 0) {
      const moved = movedPositions(editor.flow, settled);
      if (moved) editor.moveNodes(moved);
      setDragging((current) => without(current, Object.keys(settled)));
    }
    if (Object.keys(measured).length > 0) {
      setSizes((current) => {
        const changed = Object.entries(measured).filter(
          ([id, size]) => current[id]?.width !== size.width || current[id]?.height !== size.height,
        );
        return changed.length > 0 ? { ...current, ...Object.fromEntries(changed) } : current;
      });
    }
  }, []);

  const onEdgesChange: OnEdgesChange<FlowCanvasEdge> = useCallback((changes) => {
    const editor = useEditor.getState();
    const selected = applySelectChanges(editor.selection.edges, changes);
    if (selected) editor.select({ edges: selected });
  }, []);

  /**
   * Called when a drag starts. The store merges consecutive changes with the same merge key into one undo step, and
   * a move's key is the moved node ids: two drags of the same node in a row would undo together. Clearing the key
   * first makes each drag its own step.
   */
  const onDragStart = useCallback(() => useEditor.getState().breakMerge(), []);

  return { nodes, edges, onNodesChange, onEdgesChange, onDragStart };
}
