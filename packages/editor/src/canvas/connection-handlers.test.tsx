// @vitest-environment jsdom
import './test-setup.js';
import { buildFlow } from '@groundwork/runtime/testing';
import { act, render, screen } from '@testing-library/react';
import type { FinalConnectionState, Handle } from '@xyflow/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkNewConnection } from '../graph/connections.js';
import { useEditor } from '../state/editor-store.js';
import { ConnectionToast, TOAST_MS } from './ConnectionToast.js';
import {
  canConnect,
  connectEndOnCanvas,
  connectOnCanvas,
  refusalAtConnectEnd,
  useConnectionRefusal,
} from './connection-handlers.js';

//   q (text input) ──▶ p (prompt {{ q }})      n (number input)
//   count (transform → list<number>)            a (text output)
const flow = buildFlow({
  inputs: { q: 'text', n: 'number' },
  outputs: { a: 'text' },
  nodes: [
    ['q', 'input', { name: 'q' }],
    ['n', 'input', { name: 'n' }],
    ['p', 'prompt', { template: '{{ q }}' }],
    ['count', 'transform', { expression: '[n]', type: 'list<number>' }],
    ['a', 'output', { name: 'a' }],
  ],
  edges: ['q.value -> p.q', 'n.value -> count.n'],
});

const mismatch = { source: 'count', sourceHandle: 'value', target: 'a', targetHandle: 'value' };
const compatible = { source: 'p', sourceHandle: 'prompt', target: 'a', targetHandle: 'value' };

/** A handle as React Flow reports it at the end of a connection drag. */
const handle = (nodeId: string, id: string, type: 'source' | 'target') =>
  ({ nodeId, id, type, x: 0, y: 0, width: 12, height: 12, position: type === 'source' ? 'right' : 'left' }) as Handle;

/** The end of a drag from `from` that stopped on `to`, which React Flow judged invalid (isValidConnection said no). */
const endedOn = (from: Handle, to: Handle | null, isValid: boolean | null = false) =>
  ({ isValid, fromHandle: from, toHandle: to }) as unknown as FinalConnectionState;

beforeEach(() => {
  useEditor.getState().load(flow);
  useConnectionRefusal.getState().dismiss();
});
afterEach(() => vi.useRealTimers());

describe('connections drawn on the canvas', () => {
  it('refuses a type mismatch while dragging, with the same check the store uses', () => {
    expect(canConnect(mismatch)).toBe(false);
    expect(canConnect(compatible)).toBe(true);
    expect(canConnect({ ...compatible, sourceHandle: null })).toBe(false);
  });

  it('shows checkNewConnection’s reason in a toast when a connection is refused, and adds no edge', () => {
    const expected = checkNewConnection(flow, mismatch);
    expect(expected.ok).toBe(false);
    render(<ConnectionToast />);
    expect(screen.queryByTestId('connection-refused')).toBeNull();

    let verdict: ReturnType<typeof connectOnCanvas> | undefined;
    act(() => {
      verdict = connectOnCanvas(mismatch);
    });
    expect(verdict).toEqual(expected);
    const reason = (expected as { reason: string }).reason;
    expect(reason).toBe('count.value gives list<number>, but a.value takes text');
    expect(screen.getByTestId('connection-refused').textContent).toContain(reason);
    expect(useEditor.getState().flow).toBe(flow);
  });

  it('adds the edge for an accepted connection, without a toast', () => {
    render(<ConnectionToast />);
    act(() => {
      expect(connectOnCanvas(compatible)).toEqual({ ok: true });
    });
    expect(useEditor.getState().flow.edges).toContainEqual({ from: 'p.prompt', to: 'a.value' });
    expect(screen.queryByTestId('connection-refused')).toBeNull();
  });

  it('explains a drop on an incompatible handle, whichever end the drag started from', () => {
    const reason = (checkNewConnection(flow, mismatch) as { reason: string }).reason;
    expect(refusalAtConnectEnd(endedOn(handle('count', 'value', 'source'), handle('a', 'value', 'target')))).toBe(
      reason,
    );
    // Dragged backwards, from the input to the output.
    expect(refusalAtConnectEnd(endedOn(handle('a', 'value', 'target'), handle('count', 'value', 'source')))).toBe(
      reason,
    );
    // A second edge into a taken input.
    expect(refusalAtConnectEnd(endedOn(handle('n', 'value', 'source'), handle('p', 'q', 'target')))).toBe(
      'p.q already takes q.value; an input takes one edge (use a merge or collect node)',
    );
  });

  it('says nothing for a drop in empty space, a connection that was made, or two outputs', () => {
    const from = handle('count', 'value', 'source');
    expect(refusalAtConnectEnd(endedOn(from, null, null))).toBeUndefined();
    expect(
      refusalAtConnectEnd(endedOn(handle('p', 'prompt', 'source'), handle('a', 'value', 'target'), true)),
    ).toBeUndefined();
    expect(refusalAtConnectEnd(endedOn(from, handle('q', 'value', 'source')))).toBeUndefined();
  });

  it('shows the toast for a refused drop and hides it after a few seconds, restarting on a repeat', () => {
    vi.useFakeTimers();
    render(<ConnectionToast />);
    const drop = endedOn(handle('count', 'value', 'source'), handle('a', 'value', 'target'));
    act(() => connectEndOnCanvas(drop));
    expect(screen.getByTestId('connection-refused').textContent).toContain(
      'gives list<number>, but a.value takes text',
    );
    act(() => vi.advanceTimersByTime(TOAST_MS - 1000));
    act(() => connectEndOnCanvas(drop));
    act(() => vi.advanceTimersByTime(TOAST_MS - 1000));
    expect(screen.queryByTestId('connection-refused')).not.toBeNull();
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.queryByTestId('connection-refused')).toBeNull();
  });
});
