// @vitest-environment jsdom
import type { Flow } from '@groundwork/runtime/schema';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { apiError, type FakeServer, fakeServer, savedFlow } from '../testing/fake-server.js';
import { useSaveUi } from './save-store.js';
import { Toolbar } from './Toolbar.js';

const demo: Flow = {
  schemaVersion: 1,
  name: 'demo',
  inputs: { question: { type: 'text' } },
  nodes: [{ id: 'question', type: 'input', config: { name: 'question' }, position: { x: 0, y: 0 } }],
  edges: [],
};

let server: FakeServer;

beforeEach(() => {
  server = fakeServer();
  vi.stubGlobal('fetch', server.fetch);
  useEditor.setState(useEditor.getInitialState(), true);
  useSaveUi.setState(useSaveUi.getInitialState(), true);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The server's side of saving: POST creates v1, PUT adds the next version. */
function acceptSaves() {
  let latest = 0;
  server.on('POST', '/api/flows', (request) => {
    latest = 1;
    return { status: 201, body: savedFlow((request.body as { flow: Flow }).flow, { id: 'flow_1', version: 1 }) };
  });
  server.on('PUT', '/api/flows/:id', (request) => {
    latest += 1;
    return { body: savedFlow((request.body as { flow: Flow }).flow, { id: 'flow_1', version: latest }) };
  });
}

async function saveWithNote(note?: string) {
  const user = userEvent.setup();
  await user.click(screen.getByTestId('save'));
  if (note) await user.type(screen.getByTestId('save-note'), note);
  await user.click(screen.getByTestId('save-confirm'));
}

describe('saving from the toolbar', () => {
  it('creates the flow on the first save (POST), then saves the next version on top of it (PUT with baseVersion)', async () => {
    acceptSaves();
    useEditor.getState().load(demo);
    render(<Toolbar onRun={() => {}} />);
    expect(screen.getByTestId('dirty')).toBeTruthy();
    expect(screen.getByTestId('toolbar-version').textContent).toBe('not saved');

    await saveWithNote('first draft');
    await waitFor(() => expect(screen.getByTestId('save-status').textContent).toBe('Saved v1'));
    expect(server.calls('POST', '/api/flows')[0]!.body).toEqual({ flow: demo, note: 'first draft' });
    expect(screen.queryByTestId('save-dialog')).toBeNull();
    expect(screen.queryByTestId('dirty')).toBeNull();
    expect(screen.getByTestId('toolbar-version').textContent).toBe('v1');
    expect(useEditor.getState().saved).toMatchObject({ id: 'flow_1', version: 1 });

    useEditor.getState().change((flow) => ({ ...flow, description: 'answers questions' }));
    await waitFor(() => expect(screen.getByTestId('dirty')).toBeTruthy());
    await saveWithNote();
    await waitFor(() => expect(screen.getByTestId('save-status').textContent).toBe('Saved v2'));
    const put = server.calls('PUT', '/api/flows/:id')[0]!;
    expect(put.path).toBe('/api/flows/flow_1');
    expect(put.body).toEqual({ flow: { ...demo, description: 'answers questions' }, baseVersion: 1 });
    expect(screen.getByTestId('toolbar-version').textContent).toBe('v2');
  });

  it('reports the problems the server found as a saved version, not as an error', async () => {
    server.on('POST', '/api/flows', (request) => ({
      status: 201,
      body: savedFlow((request.body as { flow: Flow }).flow, {
        problems: [
          { code: 'missing-input', message: 'input "q" is not connected', path: ['nodes', 0], nodeId: 'p' },
          { code: 'missing-flow-output', message: 'no output node', path: ['outputs'] },
        ],
      }),
    }));
    useEditor.getState().load(demo);
    render(<Toolbar onRun={() => {}} />);
    await saveWithNote();
    const status = await screen.findByTestId('save-status');
    expect(status.textContent).toBe('Saved v1 with 2 problems');
    expect(status.getAttribute('title')).toContain('node "p" (nodes[0]): input "q" is not connected');
    expect(screen.queryByTestId('save-error')).toBeNull();
  });

  it('explains a conflict with a newer version and reloads it when asked', async () => {
    const theirs = { ...demo, description: 'saved in another tab' };
    server.on('PUT', '/api/flows/:id', () =>
      apiError(409, 'conflict', 'version 3 of flow "demo" was saved since version 2; reload it and save again', {
        latestVersion: 3,
        issues: [{ path: 'body.baseVersion', message: '...' }],
      }),
    );
    server.on('GET', '/api/flows/:id', () => ({ body: savedFlow(theirs, { id: 'flow_1', version: 3 }) }));
    useEditor.getState().load(demo, { id: 'flow_1', version: 2, flow: demo });
    useEditor.getState().change((flow) => ({ ...flow, description: 'mine' }));
    render(<Toolbar onRun={() => {}} />);

    await saveWithNote();
    const error = await screen.findByTestId('save-error');
    expect(error.textContent).toContain('Someone saved a newer version of this flow (v3)');
    expect(error.textContent).toContain('version 3 of flow "demo" was saved since version 2');
    expect(screen.queryByTestId('save-confirm')).toBeNull();

    await userEvent.setup().click(screen.getByTestId('conflict-reload'));
    await waitFor(() => expect(screen.queryByTestId('save-dialog')).toBeNull());
    expect(useEditor.getState().flow.description).toBe('saved in another tab');
    expect(useEditor.getState().saved?.version).toBe(3);
    expect(screen.getByTestId('save-status').textContent).toBe('Reloaded v3');
  });

  it('saves my side of a conflict as a new flow under another name', async () => {
    server.on('PUT', '/api/flows/:id', () => apiError(409, 'conflict', 'stale', { latestVersion: 3 }));
    server.on('POST', '/api/flows', (request) => ({
      status: 201,
      body: savedFlow((request.body as { flow: Flow }).flow, { id: 'flow_2', version: 1 }),
    }));
    useEditor.getState().load(demo, { id: 'flow_1', version: 2, flow: demo });
    useEditor.getState().change((flow) => ({ ...flow, description: 'mine' }));
    render(<Toolbar onRun={() => {}} />);
    await saveWithNote();
    const user = userEvent.setup();
    const copyName = await screen.findByTestId('conflict-copy-name');
    expect((copyName as HTMLInputElement).value).toBe('demo-copy');
    await user.clear(copyName);
    await user.type(copyName, 'demo-mine');
    await user.click(screen.getByTestId('conflict-copy'));
    await waitFor(() => expect(useEditor.getState().saved?.id).toBe('flow_2'));
    expect((server.calls('POST', '/api/flows')[0]!.body as { flow: Flow }).flow).toMatchObject({
      name: 'demo-mine',
      description: 'mine',
    });
    expect(useEditor.getState().flow.name).toBe('demo-mine');
  });

  it('says when the name is taken, and saves under the name typed instead', async () => {
    server.on('POST', '/api/flows', (request) => {
      const flow = (request.body as { flow: Flow }).flow;
      if (flow.name === 'demo') {
        return apiError(409, 'conflict', 'a flow named "demo" already exists', {
          issues: [{ path: 'body.flow.name', message: 'a flow named "demo" already exists' }],
        });
      }
      return { status: 201, body: savedFlow(flow, { id: 'flow_9' }) };
    });
    useEditor.getState().load(demo);
    render(<Toolbar onRun={() => {}} />);
    await saveWithNote();
    const error = await screen.findByTestId('save-error');
    expect(error.textContent).toContain('Another flow already has this name');
    expect(screen.getByTestId('save-onto-existing')).toBeTruthy();

    const user = userEvent.setup();
    await user.clear(screen.getByTestId('save-name'));
    await user.type(screen.getByTestId('save-name'), 'demo two');
    expect(screen.getByTestId('save-dialog').textContent).toContain('Name must start with a letter or digit');
    expect((screen.getByTestId('save-confirm') as HTMLButtonElement).disabled).toBe(true);
    await user.clear(screen.getByTestId('save-name'));
    await user.type(screen.getByTestId('save-name'), 'demo-2');
    await user.click(screen.getByTestId('save-confirm'));
    await waitFor(() => expect(screen.getByTestId('save-status').textContent).toBe('Saved v1'));
    expect(useEditor.getState().flow.name).toBe('demo-2');
    expect(server.calls('POST', '/api/flows')).toHaveLength(2);
  });

  it('opens the save dialog on Ctrl+S and keeps the browser from saving the page', async () => {
    render(<Toolbar onRun={() => {}} />);
    expect(screen.queryByTestId('save-dialog')).toBeNull();
    const notPrevented = fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    expect(notPrevented).toBe(false);
    expect(await screen.findByTestId('save-dialog')).toBeTruthy();
    // Other shortcuts belong to the canvas.
    expect(fireEvent.keyDown(window, { key: 'z', ctrlKey: true })).toBe(true);
  });
});
