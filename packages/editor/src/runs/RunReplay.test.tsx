// @vitest-environment jsdom
import type { Flow } from '@groundwork/runtime/schema';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { useRun } from '../state/run-store.js';
import { applyRunEvent, startedRun } from '../state/run-view.js';
import { apiError, eventStream, type FakeServer, fakeServer, runEvents, runRecord } from '../testing/fake-server.js';
import { RunPanel } from './RunPanel.js';
import { resetRunPanel, useRunPanel } from './use-run-controller.js';

const flow: Flow = {
  schemaVersion: 1,
  name: 'story',
  outputs: { story: { type: 'text' } },
  nodes: [
    { id: 'write', type: 'prompt', config: { template: 'Once upon a time' } },
    { id: 'story', type: 'output', config: { name: 'story' } },
  ],
  edges: [{ from: 'write.prompt', to: 'story.value' }],
};

const finished = runRecord({
  id: 'run_1',
  flowId: 'flow_story',
  flowName: 'story',
  flowVersion: 2,
  status: 'succeeded',
  outputs: { story: 'A dragon.' },
  durationMs: 900,
  seed: 1234,
});

let server: FakeServer;

beforeEach(() => {
  server = fakeServer();
  server.on('GET', '/api/flows/:id/runs', () => ({ body: { runs: [], next: null } }));
  vi.stubGlobal('fetch', server.fetch);
  useEditor.setState(useEditor.getInitialState(), true);
  useRun.setState(useRun.getInitialState(), true);
  useRunPanel.setState(useRunPanel.getInitialState(), true);
  useEditor.getState().load(flow, { id: 'flow_story', version: 2, flow });
});

afterEach(() => {
  resetRunPanel();
  cleanup();
  vi.unstubAllGlobals();
});

/** The panel showing a finished run, as after opening it from the history. */
function showFinished(record = finished) {
  const [end] = runEvents(record.id, [
    { type: 'run-end', status: 'succeeded', outputs: record.outputs!, durationMs: 900 },
  ]);
  useRun.getState().show(applyRunEvent(startedRun(record.id, ['write', 'story']), end!));
  useRunPanel.setState({ record, origin: 'history' });
}

describe('replaying a run', () => {
  it('starts a replay of the shown run, follows it live and shows its seed and origin', async () => {
    const stream = eventStream();
    server.on('POST', '/api/runs/:id/replay', () => ({
      status: 202,
      body: { run: runRecord({ ...finished, id: 'run_2', status: 'running', outputs: null, replayOf: 'run_1' }) },
    }));
    server.on('GET', '/api/runs/:id/events', () => stream.response);
    showFinished();
    render(<RunPanel />);
    expect(screen.getByTestId('run-seed').textContent).toBe('seed 1234');
    expect(screen.queryByTestId('run-replay-of')).toBeNull();

    await userEvent.setup().click(screen.getByTestId('run-replay'));
    const request = server.calls('POST', '/api/runs/:id/replay')[0]!;
    expect([request.path, request.body]).toEqual(['/api/runs/run_1/replay', { wait: false }]);
    await waitFor(() => expect(useRun.getState().view?.runId).toBe('run_2'));
    // The canvas shows the replayed version: its nodes are queued from the start.
    expect(Object.keys(useRun.getState().view!.nodes)).toEqual(['write', 'story']);
    expect(screen.getByTestId('run-status').dataset.status).toBe('running');
    expect(screen.getByTestId('run-replay-of').textContent).toBe('replay of run_1');
    expect(screen.getByTestId('run-seed').textContent).toBe('seed 1234');
    expect(screen.queryByTestId('run-replay')).toBeNull();

    const events = runEvents('run_2', [
      { type: 'run-start', flow: 'story', inputs: {}, variants: {}, seed: 1234 },
      { type: 'run-end', status: 'succeeded', outputs: { story: 'A dragon.' }, durationMs: 850 },
    ]);
    for (const event of events) stream.push(event);
    stream.end();
    await waitFor(() => expect(screen.getByTestId('run-status').dataset.status).toBe('succeeded'));
    expect(screen.getByTestId('run-output-story').textContent).toContain('A dragon.');
    expect(useRunPanel.getState().phase).toBe('idle');
    expect(screen.getByTestId('run-replay')).toHaveProperty('disabled', false);
  });

  it('takes the seed from the run-start event when the record does not have it', () => {
    const [start, end] = runEvents('run_3', [
      { type: 'run-start', flow: 'story', inputs: {}, variants: {}, seed: 77 },
      { type: 'run-end', status: 'failed', outputs: {}, durationMs: 5, error: { code: 'x', message: 'boom' } },
    ]);
    useRun.getState().show(applyRunEvent(applyRunEvent(startedRun('run_3', []), start!), end!));
    render(<RunPanel />);
    expect(screen.getByTestId('run-seed').textContent).toBe('seed 77');
    expect(screen.getByTestId('run-replay')).toHaveProperty('disabled', false);
  });

  it('offers no replay for a run recorded before seeds, and says why', () => {
    showFinished({ ...finished, seed: null });
    render(<RunPanel />);
    expect(screen.queryByTestId('run-seed')).toBeNull();
    const button = screen.getByTestId('run-replay');
    expect(button).toHaveProperty('disabled', true);
    expect(button.getAttribute('title')).toContain('recorded before runs had seeds');
  });

  it("shows the server's refusal", async () => {
    server.on('POST', '/api/runs/:id/replay', () =>
      apiError(409, 'conflict', 'run run_1 was recorded without a seed, so it cannot be replayed identically'),
    );
    showFinished();
    render(<RunPanel />);
    await userEvent.setup().click(screen.getByTestId('run-replay'));
    expect((await screen.findByTestId('run-error-message')).textContent).toBe(
      'This run cannot be replayed: run run_1 was recorded without a seed, so it cannot be replayed identically',
    );
    expect(useRunPanel.getState().phase).toBe('idle');
    expect(useRun.getState().view?.runId).toBe('run_1');
  });
});
