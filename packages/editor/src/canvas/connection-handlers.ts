import type { Connection, Edge, FinalConnectionState } from '@xyflow/react';
import { create } from 'zustand';
import { type ConnectionVerdict, checkNewConnection, type ProposedConnection } from '../graph/connections.js';
import { useEditor } from '../state/editor-store.js';

/** The last refused connection, for the canvas toast; `seq` restarts the toast's timer when the same reason repeats. */
interface RefusalState {
  reason: string | undefined;
  seq: number;
  show(reason: string): void;
  dismiss(): void;
}

export const useConnectionRefusal = create<RefusalState>()((set, get) => ({
  reason: undefined,
  seq: 0,
  show(reason) {
    set({ reason, seq: get().seq + 1 });
  },
  dismiss() {
    set({ reason: undefined });
  },
}));

/** React Flow's connection in the store's terms; undefined when a handle id is missing (every port handle has one). */
export function proposedConnection(connection: Connection | Edge): ProposedConnection | undefined {
  const { source, target, sourceHandle, targetHandle } = connection;
  if (!sourceHandle || !targetHandle) return undefined;
  return { source, sourceHandle, target, targetHandle };
}

/**
 * `isValidConnection` for React Flow: the same check the store's `connect` makes, so a drag over a handle that would
 * be refused shows as invalid while dragging. Reads the store at call time: React Flow calls it on every pointer move.
 */
export function canConnect(connection: Connection | Edge): boolean {
  const proposed = proposedConnection(connection);
  return proposed !== undefined && checkNewConnection(useEditor.getState().flow, proposed).ok;
}

/** `onConnect` for React Flow: adds the edge through the store, or shows why not. */
export function connectOnCanvas(connection: Connection): ConnectionVerdict {
  const proposed = proposedConnection(connection);
  const verdict: ConnectionVerdict = proposed
    ? useEditor.getState().connect(proposed)
    : { ok: false, reason: 'connect a port to a port' };
  if (!verdict.ok) useConnectionRefusal.getState().show(verdict.reason);
  return verdict;
}

/**
 * Why a drag that ended on (or within reach of) a handle did not connect, or undefined when there is nothing to say:
 * the drag ended in empty space, it connected, or both ends are on the same side (two outputs), where React Flow
 * simply does not connect and a message would mostly fire on near misses.
 */
export function refusalAtConnectEnd(connectionState: FinalConnectionState): string | undefined {
  const { isValid, fromHandle, toHandle } = connectionState;
  if (isValid !== false || !fromHandle || !toHandle || fromHandle.type === toHandle.type) return undefined;
  const [output, input] = fromHandle.type === 'source' ? [fromHandle, toHandle] : [toHandle, fromHandle];
  if (!output.id || !input.id) return undefined;
  const verdict = checkNewConnection(useEditor.getState().flow, {
    source: output.nodeId,
    sourceHandle: output.id,
    target: input.nodeId,
    targetHandle: input.id,
  });
  return verdict.ok ? undefined : verdict.reason;
}

/** `onConnectEnd` for React Flow: a drop on an incompatible handle gets the same toast as a refused connect. */
export function connectEndOnCanvas(connectionState: FinalConnectionState): void {
  const reason = refusalAtConnectEnd(connectionState);
  if (reason) useConnectionRefusal.getState().show(reason);
}
