import { canonicalJson, type Flow, type FlowNode, type Position, parsePortReference } from '@groundwork/runtime/schema';
import { create } from 'zustand';
import { analysisOf } from '../graph/analysis.js';
import { type Clipboard, copyNodes, pasteNodes } from '../graph/clipboard.js';
import { type ConnectionVerdict, checkNewConnection, type ProposedConnection } from '../graph/connections.js';
import { estimatedSize, layoutPositions, type Size } from '../graph/layout.js';
import { withNewNode } from '../graph/node-defaults.js';
import { edgeId } from '../graph/to-react-flow.js';

/** Where the document came from on the server, and what it was when last saved (to tell unsaved changes). */
export interface SavedRef {
  id: string;
  version: number;
  /** The document as saved. */
  flow: Flow;
}

export interface Selection {
  nodes: string[];
  edges: string[];
}

const HISTORY_LIMIT = 200;

export interface EditorState {
  flow: Flow;
  saved: SavedRef | undefined;
  selection: Selection;
  past: Flow[];
  future: Flow[];
  /** Changes with the same key in a row (one drag, one text field being typed in) undo as one step. */
  mergeKey: string | undefined;
  clipboard: Clipboard | undefined;

  /** Opens a document (from the server, a file, or a new one); history starts afresh. */
  load(flow: Flow, saved?: SavedRef): void;
  /** Every edit goes through here: a new document from the old one, and a history step. */
  change(recipe: (flow: Flow) => Flow, mergeKey?: string): void;
  undo(): void;
  redo(): void;
  /** Ends the current merged step: the next change starts a new undo step even with the same key (a new drag). */
  breakMerge(): void;
  select(selection: Partial<Selection>): void;
  addNode(type: string, position: Position): string;
  /** Adds the edge when the runtime's checks allow it; the verdict says why not otherwise. */
  connect(proposed: ProposedConnection): ConnectionVerdict;
  moveNodes(positions: Record<string, Position>): void;
  updateNode(nodeId: string, recipe: (node: FlowNode) => FlowNode, mergeKey?: string): void;
  /** Deletes the selected nodes (with their edges and, for input/output nodes, nothing else) and edges. */
  removeSelected(): void;
  copySelection(): void;
  paste(): void;
  /** Lays the flow out left to right; `measured` are the sizes the canvas drew the nodes at. */
  autoLayout(measured?: ReadonlyMap<string, Size>): void;
  markSaved(saved: SavedRef): void;
}

export function emptyFlow(name = 'untitled'): Flow {
  return { schemaVersion: 1, name, nodes: [], edges: [] };
}

export const useEditor = create<EditorState>()((set, get) => ({
  flow: emptyFlow(),
  saved: undefined,
  selection: { nodes: [], edges: [] },
  past: [],
  future: [],
  mergeKey: undefined,
  clipboard: undefined,

  load(flow, saved) {
    set({ flow, saved, selection: { nodes: [], edges: [] }, past: [], future: [], mergeKey: undefined });
  },

  change(recipe, mergeKey) {
    const { flow, past, mergeKey: lastKey } = get();
    const next = recipe(flow);
    if (next === flow) return;
    const merge = mergeKey !== undefined && mergeKey === lastKey;
    set({
      flow: next,
      past: merge ? past : [...past, flow].slice(-HISTORY_LIMIT),
      future: [],
      mergeKey,
    });
  },

  undo() {
    const { past, flow, future } = get();
    const previous = past.at(-1);
    if (!previous) return;
    set({
      flow: previous,
      past: past.slice(0, -1),
      future: [flow, ...future],
      mergeKey: undefined,
      selection: keepExisting(get().selection, previous),
    });
  },

  redo() {
    const { past, flow, future } = get();
    const next = future[0];
    if (!next) return;
    set({
      flow: next,
      past: [...past, flow],
      future: future.slice(1),
      mergeKey: undefined,
      selection: keepExisting(get().selection, next),
    });
  },

  breakMerge() {
    set({ mergeKey: undefined });
  },

  select(selection) {
    set({ selection: { ...get().selection, ...selection } });
  },

  addNode(type, position) {
    let added = '';
    get().change((flow) => {
      const result = withNewNode(flow, type, position);
      added = result.nodeId;
      return result.flow;
    });
    set({ selection: { nodes: [added], edges: [] } });
    return added;
  },

  connect(proposed) {
    const verdict = checkNewConnection(get().flow, proposed);
    if (verdict.ok) {
      const edge = {
        from: `${proposed.source}.${proposed.sourceHandle}`,
        to: `${proposed.target}.${proposed.targetHandle}`,
      };
      get().change((flow) => ({ ...flow, edges: [...(flow.edges ?? []), edge] }));
    }
    return verdict;
  },

  moveNodes(positions) {
    const ids = Object.keys(positions);
    get().change(
      (flow) => ({
        ...flow,
        nodes: flow.nodes.map((node) =>
          positions[node.id] ? { ...node, position: rounded(positions[node.id]!) } : node,
        ),
      }),
      `move:${ids.sort().join(',')}`,
    );
  },

  updateNode(nodeId, recipe, mergeKey) {
    get().change(
      (flow) => ({ ...flow, nodes: flow.nodes.map((node) => (node.id === nodeId ? recipe(node) : node)) }),
      mergeKey,
    );
  },

  removeSelected() {
    const { selection } = get();
    if (selection.nodes.length === 0 && selection.edges.length === 0) return;
    const nodes = new Set(selection.nodes);
    const edges = new Set(selection.edges);
    get().change((flow) => ({
      ...flow,
      nodes: flow.nodes.filter((node) => !nodes.has(node.id)),
      edges: (flow.edges ?? []).filter(
        (edge) =>
          !edges.has(edgeId(edge)) &&
          !nodes.has(parsePortReference(edge.from).node) &&
          !nodes.has(parsePortReference(edge.to).node),
      ),
    }));
    set({ selection: { nodes: [], edges: [] } });
  },

  copySelection() {
    const clipboard = copyNodes(get().flow, get().selection.nodes);
    if (clipboard) set({ clipboard });
  },

  paste() {
    const { clipboard } = get();
    if (!clipboard) return;
    let pasted: string[] = [];
    get().change((flow) => {
      const result = pasteNodes(flow, clipboard);
      pasted = result.nodeIds;
      return result.flow;
    });
    set({ selection: { nodes: pasted, edges: [] } });
  },

  autoLayout(measured) {
    const { flow } = get();
    if (flow.nodes.length === 0) return;
    const analysed = new Map(analysisOf(flow).analysis.nodes.map((node) => [node.node.id, node]));
    const sizes = new Map(
      flow.nodes.map((node) => {
        const ports = analysed.get(node.id)?.ports;
        const rows = Math.max(ports?.inputs.length ?? 1, ports?.outputs.length ?? 1);
        return [node.id, measured?.get(node.id) ?? estimatedSize(rows)];
      }),
    );
    const positions = layoutPositions(flow, sizes);
    get().change((current) => ({
      ...current,
      nodes: current.nodes.map((node) => ({ ...node, position: positions[node.id]! })),
    }));
  },

  markSaved(saved) {
    set({ saved, flow: saved.flow });
  },
}));

/** Whether the document differs from what was last saved (or was never saved and has something in it). */
export function isDirty(state: Pick<EditorState, 'flow' | 'saved'>): boolean {
  if (!state.saved) return state.flow.nodes.length > 0;
  return canonicalJson(state.flow) !== canonicalJson(state.saved.flow);
}

function rounded(position: Position): Position {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}

/** The selection, without what no longer exists after undo or redo. */
function keepExisting(selection: Selection, flow: Flow): Selection {
  const nodes = new Set(flow.nodes.map((node) => node.id));
  const edges = new Set((flow.edges ?? []).map(edgeId));
  return { nodes: selection.nodes.filter((id) => nodes.has(id)), edges: selection.edges.filter((id) => edges.has(id)) };
}
