// @vitest-environment jsdom
import type { Flow } from '@groundwork/runtime/schema';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { useRun } from '../state/run-store.js';
import {
  apiError,
  eventStream,
  type FakeServer,
  fakeServer,
  runEvents,
  runRecord,
  savedFlow,
} from '../testing/fake-server.js';
import { useSaveUi } from '../toolbar/save-store.js';
import { RunPanel } from './RunPanel.js';
import { resetRunPanel, useRunPanel } from './use-run-controller.js';

const flow: Flow = {
  schemaVersion: 1,
  name: 'qa',
  inputs: {
    question: { type: 'text', description: 'What to ask' },
    count: { type: 'number', default: 2 },
    verbose: { type: 'boolean', default: false },
    history: { type: 'messages', required: false },
  },
  outputs: { answer: { type: 'text' }, meta: { type: 'json' } },
  nodes: [
    { id: 'question', type: 'input', config: { name: 'question' } },
    {
      id: 'ask',
      type: 'prompt',
      config: { template: '{{ question }}' },
      variants: [
        { name: 'short', config: {} },
        { name: 'long', config: {} },
      ],
      defaultVariant: 'short',
    },
    { id: 'answer', type: 'output', config: { name: 'answer' } },
  ],
  edges: [],
};
const saved = { id: 'flow_qa', version: 3, flow };

let server: FakeServer;

beforeEach(() => {
  server = fakeServer();
  server.on('GET', '/api/flows/:id/runs', () => ({ body: { runs: [], next: null } }));
  vi.stubGlobal('fetch', server.fetch);
  useEditor.setState(useEditor.getInitialState(), true);
  useRun.setState(useRun.getInitialState(), true);
  useSaveUi.setState(useSaveUi.getInitialState(), true);
  useRunPanel.setState(useRunPanel.getInitialState(), true);
});

afterEach(() => {
  resetRunPanel();
  cleanup();
  vi.unstubAllGlobals();
});

/** A run that the test drives event by event. */
function liveRun(runId = 'run_1') {
  const stream = eventStream();
  server.on('POST', '/api/flows/:id/runs', () => ({
    status: 202,
    body: { run: runRecord({ id: runId, flowId: 'flow_qa', flowVersion: 3 }) },
  }));
  server.on('GET', '/api/runs/:id/events', () => stream.response);
  let seq = 0;
  const push = (event: Parameters<typeof runEvents>[1][number]) => {
    seq += 1;
    stream.push({ ...runEvents(runId, [event])[0]!, seq });
  };
  return { push, end: () => stream.end() };
}

describe('the run form', () => {
  it('gives each input the field its type needs, prefilled and marked', () => {
    useEditor.getState().load(flow, saved);
    render(<RunPanel />);
    const question = screen.getByTestId('run-input-question');
    expect(question.tagName).toBe('TEXTAREA');
    expect(question.getAttribute('aria-required')).toBe('true');
    expect(screen.getByText('What to ask')).toBeTruthy();
    const count = screen.getByTestId('run-input-count') as HTMLInputElement;
    expect([count.type, count.value, count.getAttribute('aria-required')]).toEqual(['number', '2', 'false']);
    expect((screen.getByTestId('run-input-verbose') as HTMLInputElement).type).toBe('checkbox');
    expect(screen.getByTestId('run-input-history').tagName).toBe('TEXTAREA');
    const variant = screen.getByTestId('run-variant-ask') as HTMLSelectElement;
    expect(variant.value).toBe('short');
    expect([...variant.options].map((option) => option.value)).toEqual(['short', 'long']);
  });

  it('shows the type check of bad JSON beside its field, and sends nothing', async () => {
    useEditor.getState().load(flow, saved);
    render(<RunPanel />);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('run-input-question'), 'Why?');
    await user.click(screen.getByTestId('run-input-history'));
    await user.paste('[{"role": "robot", "content": "hi"}]');
    await user.click(screen.getByTestId('run-start'));
    expect(screen.getByTestId('run-input-error-history').textContent).toBe(
      'message 0: role must be one of system, user, assistant, tool',
    );
    expect(screen.getByTestId('run-input-history').getAttribute('aria-invalid')).toBe('true');
    expect(server.calls('POST', '/api/flows/:id/runs')).toHaveLength(0);

    await user.clear(screen.getByTestId('run-input-history'));
    await user.paste('[{"role": oops');
    expect(screen.queryByTestId('run-input-error-history')).toBeNull();
    await user.click(screen.getByTestId('run-start'));
    expect(screen.getByTestId('run-input-error-history').textContent).toMatch(/^history is not valid JSON/);
  });

  it("shows the server's refusal of an input next to its field", async () => {
    server.on('POST', '/api/flows/:id/runs', () =>
      apiError(422, 'invalid-inputs', 'inputs.count: must be below 10', {
        issues: [{ path: 'inputs.count', message: 'must be below 10' }],
      }),
    );
    useEditor.getState().load(flow, saved);
    render(<RunPanel />);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('run-input-question'), 'Why?');
    await user.click(screen.getByTestId('run-start'));
    expect((await screen.findByTestId('run-input-error-count')).textContent).toBe('must be below 10');
    expect(screen.getByTestId('run-error-message').textContent).toContain('refused these inputs');
    expect(useRun.getState().view).toBeUndefined();
  });
});

describe('running the flow', () => {
  it('starts the saved version, streams node statuses to the canvas and shows the outputs', async () => {
    const run = liveRun();
    useEditor.getState().load(flow, saved);
    render(<RunPanel />);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('run-input-question'), 'Why?');
    await user.selectOptions(screen.getByTestId('run-variant-ask'), 'long');
    await user.click(screen.getByTestId('run-start'));

    await waitFor(() => expect(useRun.getState().view?.runId).toBe('run_1'));
    expect(server.calls('POST', '/api/flows/:id/runs')[0]).toMatchObject({
      path: '/api/flows/flow_qa/runs',
      body: {
        inputs: { question: 'Why?', count: 2, verbose: false },
        variants: { ask: 'long' },
        version: 3,
        wait: false,
      },
    });
    expect(server.calls('POST', '/api/flows')).toHaveLength(0);
    expect(Object.keys(useRun.getState().view!.nodes)).toEqual(['question', 'ask', 'answer']);

    run.push({ type: 'run-start', flow: 'qa', inputs: { question: 'Why?' }, variants: { ask: 'long' } });
    run.push({ type: 'node-start', nodeId: 'question', nodeType: 'input', attempt: 1, inputs: {} });
    run.push({ type: 'node-end', nodeId: 'question', outputs: { value: 'Why?' }, durationMs: 1, attempts: 1 });
    run.push({ type: 'node-start', nodeId: 'ask', nodeType: 'prompt', attempt: 1, inputs: { question: 'Why?' } });
    await waitFor(() => expect(useRun.getState().view?.nodes.ask?.status).toBe('running'));
    expect(useRun.getState().view?.nodes.question?.status).toBe('done');
    expect(useRun.getState().live).toBe(true);
    expect(screen.getByTestId('run-status').dataset.status).toBe('running');
    expect(screen.getByTestId('run-status').textContent).toContain('1 of 3 nodes done');
    expect(screen.getByTestId('run-cancel')).toBeTruthy();

    run.push({ type: 'node-end', nodeId: 'ask', outputs: { text: 'Because.' }, durationMs: 5, attempts: 1 });
    run.push({
      type: 'run-end',
      status: 'succeeded',
      outputs: { answer: 'Because.', meta: { score: 1 } },
      durationMs: 2400,
    });
    run.end();
    await waitFor(() => expect(screen.getByTestId('run-status').dataset.status).toBe('succeeded'));
    expect(screen.getByTestId('run-duration').textContent).toBe('in 2.4 s');
    expect(screen.getByTestId('run-output-answer').querySelector('pre')!.textContent).toBe('Because.');
    expect(screen.getByTestId('run-output-meta').querySelector('pre')!.textContent).toBe('{\n  "score": 1\n}');
    expect(screen.queryByTestId('run-cancel')).toBeNull();
    expect(useRun.getState().live).toBe(false);
    // The history is fetched again once the run has ended, to list it.
    await waitFor(() => expect(server.calls('GET', '/api/flows/:id/runs')).toHaveLength(2));
  });

  it('saves an unsaved flow first, with the note "saved to run", and runs that version', async () => {
    server.on('POST', '/api/flows', (request) => ({
      status: 201,
      body: savedFlow((request.body as { flow: Flow }).flow, { id: 'flow_qa', version: 1 }),
    }));
    liveRun();
    useEditor.getState().load(flow);
    render(<RunPanel />);
    expect(screen.getByTestId('run-unsaved').textContent).toContain('Save the flow to run it');
    expect(screen.getByTestId('run-start').textContent).toBe('Save and run');
    const user = userEvent.setup();
    await user.type(screen.getByTestId('run-input-question'), 'Why?');
    await user.click(screen.getByTestId('run-start'));
    await waitFor(() => expect(server.calls('POST', '/api/flows/:id/runs')).toHaveLength(1));
    expect(server.calls('POST', '/api/flows')[0]!.body).toEqual({ flow, note: 'saved to run' });
    expect(server.calls('POST', '/api/flows/:id/runs')[0]!.body).toMatchObject({ version: 1 });
    expect(useEditor.getState().saved).toMatchObject({ id: 'flow_qa', version: 1 });
    expect(useSaveUi.getState().status?.text).toBe('Saved v1');
  });

  it('does not run when saving first is refused, and opens Save to sort out the conflict', async () => {
    server.on('PUT', '/api/flows/:id', () =>
      apiError(409, 'conflict', 'version 4 of flow "qa" was saved since version 3', { latestVersion: 4 }),
    );
    useEditor.getState().load(flow, saved);
    useEditor.getState().change((current) => ({ ...current, description: 'edited' }));
    render(<RunPanel />);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('run-input-question'), 'Why?');
    await user.click(screen.getByTestId('run-start'));
    expect((await screen.findByTestId('run-error-message')).textContent).toContain(
      'version 4 of flow "qa" was saved since version 3',
    );
    expect((server.calls('PUT', '/api/flows/:id')[0]!.body as { note: string }).note).toBe('saved to run');
    expect(server.calls('POST', '/api/flows/:id/runs')).toHaveLength(0);
    expect(useSaveUi.getState().dialogOpen).toBe(true);
  });

  it('names the node that failed and its message', async () => {
    const run = liveRun();
    useEditor.getState().load(flow, saved);
    render(<RunPanel />);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('run-input-question'), 'Why?');
    await user.click(screen.getByTestId('run-start'));
    await waitFor(() => expect(useRun.getState().view?.runId).toBe('run_1'));
    const error = { code: 'template-error', message: "'questio' is undefined", nodeId: 'ask' };
    run.push({ type: 'node-start', nodeId: 'ask', nodeType: 'prompt', attempt: 1, inputs: {} });
    run.push({ type: 'node-error', nodeId: 'ask', attempt: 1, error, willRetry: false, durationMs: 3 });
    run.push({ type: 'run-end', status: 'failed', outputs: {}, durationMs: 40, error });
    run.end();
    await waitFor(() => expect(screen.getByTestId('run-status').dataset.status).toBe('failed'));
    expect(screen.getByTestId('run-error').textContent).toBe("Node ask failed: 'questio' is undefined");
    expect(useRun.getState().view?.nodes.ask?.status).toBe('error');
  });

  it('cancels the run through the API, and shows it cancelled when its run-end arrives', async () => {
    const run = liveRun();
    server.on('POST', '/api/runs/:id/cancel', () => {
      run.push({ type: 'run-end', status: 'cancelled', outputs: {}, durationMs: 900 });
      run.end();
      return { status: 202, body: { run: runRecord({ status: 'cancelled' }) } };
    });
    useEditor.getState().load(flow, saved);
    render(<RunPanel />);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('run-input-question'), 'Why?');
    await user.click(screen.getByTestId('run-start'));
    await user.click(await screen.findByTestId('run-cancel'));
    expect(server.calls('POST', '/api/runs/:id/cancel')[0]!.path).toBe('/api/runs/run_1/cancel');
    await waitFor(() => expect(screen.getByTestId('run-status').dataset.status).toBe('cancelled'));
    expect(useRunPanel.getState().phase).toBe('idle');
  });
});

describe('empty states and notices', () => {
  it('says a flow without inputs runs as it is, and that there are no runs yet', async () => {
    const bare = { ...flow, inputs: undefined };
    useEditor.getState().load(bare, { id: 'flow_qa', version: 1, flow: bare });
    render(<RunPanel />);
    expect(screen.getByTestId('run-no-inputs').textContent).toBe('This flow has no inputs; it runs as it is.');
    expect((await screen.findByTestId('run-history-empty')).textContent).toContain('No runs yet');
    expect(screen.queryByTestId('run-unsaved')).toBeNull();
  });

  it('offers Save when the flow was never saved, and lists no history', async () => {
    useEditor.getState().load(flow);
    render(<RunPanel />);
    await userEvent.setup().click(screen.getByTestId('run-save'));
    expect(useSaveUi.getState().dialogOpen).toBe(true);
    expect(screen.queryByTestId('run-history')).toBeNull();
  });

  it('says how to add a model when the flow calls one and none is usable', async () => {
    server.on('GET', '/api/models', () => ({
      body: { device: 'auto', models: [{ name: 'tiny', problem: 'no tokenizer.json' }] },
    }));
    const withModel = { ...flow, nodes: [...flow.nodes, { id: 'gen', type: 'llm', config: {} }] };
    useEditor.getState().load(withModel, { id: 'flow_qa', version: 3, flow: withModel });
    render(<RunPanel />);
    const notice = await screen.findByTestId('run-no-models');
    expect(notice.textContent).toContain('npx groundwork models pull');
    expect(notice.textContent).toContain('tiny: no tokenizer.json');
  });

  it('does not ask for models when the flow has no llm node', async () => {
    useEditor.getState().load(flow, saved);
    render(<RunPanel />);
    await screen.findByTestId('run-history-empty');
    expect(server.calls('GET', '/api/models')).toHaveLength(0);
  });
});
