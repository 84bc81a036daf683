// @vitest-environment jsdom
import type { Flow } from '@groundwork/runtime/schema';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { useRun } from '../state/run-store.js';
import { apiError, type FakeServer, fakeServer, runEvents, runRecord, storedEvents } from '../testing/fake-server.js';
import { RunPanel } from './RunPanel.js';
import { resetRunPanel, useRunPanel } from './use-run-controller.js';

const flow: Flow = {
  schemaVersion: 1,
  name: 'qa',
  inputs: { question: { type: 'text' } },
  outputs: { answer: { type: 'text' } },
  nodes: [
    { id: 'question', type: 'input', config: { name: 'question' } },
    { id: 'ask', type: 'prompt', config: { template: '{{ question }}' } },
    { id: 'answer', type: 'output', config: { name: 'answer' } },
  ],
  edges: [],
};
const olderFlow: Flow = { ...flow, description: 'version 2' };

const newer = runRecord({
  id: 'run_new',
  flowId: 'flow_qa',
  flowVersion: 2,
  status: 'succeeded',
  inputs: { question: 'Why is the sky blue?' },
  outputs: { answer: 'Scattering.' },
  createdAt: '2026-05-02T10:00:00.000Z',
  durationMs: 1200,
});
const older = runRecord({
  id: 'run_old',
  flowId: 'flow_qa',
  flowVersion: 3,
  status: 'failed',
  createdAt: '2026-05-01T10:00:00.000Z',
  durationMs: 80,
});

const newerEvents = runEvents('run_new', [
  { type: 'run-start', flow: 'qa', inputs: { question: 'Why is the sky blue?' }, variants: {} },
  { type: 'node-start', nodeId: 'question', nodeType: 'input', attempt: 1, inputs: {} },
  { type: 'node-end', nodeId: 'question', outputs: { value: 'Why is the sky blue?' }, durationMs: 1, attempts: 1 },
  { type: 'node-start', nodeId: 'ask', nodeType: 'prompt', attempt: 1, inputs: {} },
  { type: 'node-end', nodeId: 'ask', outputs: { text: 'Scattering.' }, durationMs: 2, attempts: 1 },
  { type: 'node-skip', nodeId: 'answer', reason: 'for the test' },
  { type: 'run-end', status: 'succeeded', outputs: { answer: 'Scattering.' }, durationMs: 1200 },
]);

let server: FakeServer;

beforeEach(() => {
  server = fakeServer();
  // Listed oldest first here: the panel must still show the newest first.
  server.on('GET', '/api/flows/:id/runs', () => ({ body: { runs: [older, newer], next: null } }));
  server.on('GET', '/api/runs/:id/events', (request) =>
    request.params.id === 'run_new' ? storedEvents(newerEvents) : new Response(null, { status: 204 }),
  );
  server.on('GET', '/api/flows/:id/versions/:version', () => ({
    body: { version: { version: 2, contentHash: 'h2', note: null, createdAt: newer.createdAt, flow: olderFlow } },
  }));
  vi.stubGlobal('fetch', server.fetch);
  useEditor.setState(useEditor.getInitialState(), true);
  useRun.setState(useRun.getInitialState(), true);
  useRunPanel.setState(useRunPanel.getInitialState(), true);
  useEditor.getState().load(flow, { id: 'flow_qa', version: 3, flow });
});

afterEach(() => {
  resetRunPanel();
  cleanup();
  vi.unstubAllGlobals();
});

describe('run history', () => {
  it("lists the flow's runs newest first, with status, duration and version", async () => {
    render(<RunPanel />);
    await waitFor(() => expect(screen.getAllByTestId('run-history-item')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('run-history-item');
    expect(first!.dataset.runId).toBe('run_new');
    expect(first!.textContent).toContain('succeeded');
    expect(first!.textContent).toContain('1.2 s');
    expect(first!.textContent).toContain('v2');
    expect(second!.textContent).toContain('failed');
    expect(server.calls('GET', '/api/flows/:id/runs')[0]!.path).toBe('/api/flows/flow_qa/runs');
  });

  it('opens a run: replays its events into the view on the canvas, and shows its inputs and outputs', async () => {
    render(<RunPanel />);
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getAllByTestId('run-history-item')).toHaveLength(2));
    await user.click(screen.getAllByTestId('run-history-item')[0]!);

    await waitFor(() => expect(useRun.getState().view?.runId).toBe('run_new'));
    const { view, live } = useRun.getState();
    expect(live).toBe(false);
    expect(view?.status).toBe('succeeded');
    expect(view?.nodes.question?.status).toBe('done');
    expect(view?.nodes.answer).toMatchObject({ status: 'skipped', skipReason: 'for the test' });
    expect(view?.lastSeq).toBe(7);
    expect(screen.getByTestId('run-status').dataset.status).toBe('succeeded');
    expect(screen.getByTestId('run-output-answer').textContent).toContain('Scattering.');
    expect(screen.getByTestId('shown-run').textContent).toContain('Why is the sky blue?');
    expect(screen.getAllByTestId('run-history-item')[0]!.getAttribute('aria-current')).toBe('true');

    // It ran version 2; the canvas shows version 3.
    expect(screen.getByTestId('run-other-version').textContent).toContain(
      'This run used version 2; the canvas shows version 3',
    );
    await user.click(screen.getByTestId('run-open-version'));
    await waitFor(() => expect(useEditor.getState().saved?.version).toBe(2));
    expect(server.calls('GET', '/api/flows/:id/versions/:version')[0]!.path).toBe('/api/flows/flow_qa/versions/2');
    expect(useEditor.getState().flow).toEqual(olderFlow);
    expect(screen.queryByTestId('run-other-version')).toBeNull();
    expect(useRun.getState().view?.runId).toBe('run_new');

    await user.click(screen.getByTestId('run-back-to-editing'));
    expect(useRun.getState().view).toBeUndefined();
    expect(screen.queryByTestId('shown-run')).toBeNull();
    expect(screen.queryByTestId('run-status')).toBeNull();
  });

  it('shows a run whose events are gone from its record', async () => {
    render(<RunPanel />);
    await waitFor(() => expect(screen.getAllByTestId('run-history-item')).toHaveLength(2));
    await userEvent.setup().click(screen.getAllByTestId('run-history-item')[1]!);
    await waitFor(() => expect(useRun.getState().view?.runId).toBe('run_old'));
    expect(screen.getByTestId('run-status').dataset.status).toBe('failed');
    expect(screen.queryByTestId('run-other-version')).toBeNull();
  });

  it('says when the history cannot be listed', async () => {
    server.on('GET', '/api/flows/:id/runs', () => apiError(503, 'unavailable', 'the database is busy'));
    render(<RunPanel />);
    expect((await screen.findByRole('alert')).textContent).toContain('Could not list the runs: the database is busy');
  });
});
