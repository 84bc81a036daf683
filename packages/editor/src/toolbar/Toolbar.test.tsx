// @vitest-environment jsdom
import { type Flow, saveFlowYaml } from '@groundwork/runtime/schema';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlowSummary } from '../api/client.js';
import { useEditor } from '../state/editor-store.js';
import { useRun } from '../state/run-store.js';
import { startedRun } from '../state/run-view.js';
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

function summary(name: string, overrides: Partial<FlowSummary> = {}): FlowSummary {
  return {
    id: `flow_${name}`,
    name,
    description: null,
    latestVersion: 1,
    createdAt: '2026-05-01T10:00:00.000Z',
    updatedAt: '2026-05-01T10:00:00.000Z',
    labels: {},
    ...overrides,
  };
}

let server: FakeServer;

beforeEach(() => {
  server = fakeServer();
  vi.stubGlobal('fetch', server.fetch);
  useEditor.setState(useEditor.getInitialState(), true);
  useSaveUi.setState(useSaveUi.getInitialState(), true);
  useRun.setState(useRun.getInitialState(), true);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('opening a saved flow', () => {
  it('lists the saved flows and loads the latest version of the chosen one', async () => {
    const support = { ...demo, name: 'support-triage', description: 'Routes support messages' };
    server.on('GET', '/api/flows', () => ({
      body: {
        flows: [
          summary('story', { updatedAt: '2026-05-01T09:00:00.000Z' }),
          summary('support-triage', {
            description: 'Routes support messages',
            latestVersion: 4,
            updatedAt: '2026-05-02T09:00:00.000Z',
          }),
        ],
      },
    }));
    server.on('GET', '/api/flows/:id', (request) => ({
      body: savedFlow(support, { id: request.params.id!, version: 4 }),
    }));
    useRun.getState().show(startedRun('run_old', ['question']));
    render(<Toolbar onRun={() => {}} />);

    const user = userEvent.setup();
    await user.click(screen.getByTestId('open'));
    const row = await screen.findByTestId('open-flow-support-triage');
    expect(row.textContent).toContain('Routes support messages');
    expect(row.textContent).toContain('v4');
    expect(row.textContent).toContain('updated');
    // Most recently updated first.
    const rows = within(screen.getByTestId('open-dialog'))
      .getAllByRole('button')
      .filter((button) => button.dataset.testid?.startsWith('open-flow-'));
    expect(rows.map((button) => button.dataset.testid)).toEqual(['open-flow-support-triage', 'open-flow-story']);

    await user.click(row);
    await waitFor(() => expect(screen.queryByTestId('open-dialog')).toBeNull());
    expect(server.calls('GET', '/api/flows/:id')[0]!.path).toBe('/api/flows/flow_support-triage');
    expect(useEditor.getState().flow).toEqual(support);
    expect(useEditor.getState().saved).toEqual({ id: 'flow_support-triage', version: 4, flow: support });
    expect(screen.getByTestId('toolbar-flow-name').textContent).toBe('support-triage');
    expect(screen.getByTestId('toolbar-version').textContent).toBe('v4');
    // The run shown before belonged to the other document.
    expect(useRun.getState().view).toBeUndefined();
  });

  it('says when nothing is saved yet, and when the list cannot be fetched', async () => {
    server.on('GET', '/api/flows', () => ({ body: { flows: [] } }));
    render(<Toolbar onRun={() => {}} />);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('open'));
    expect((await screen.findByTestId('open-empty')).textContent).toContain('No flows saved yet');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('open-dialog')).toBeNull();

    server.on('GET', '/api/flows', () => apiError(500, 'internal', 'the database is locked'));
    await user.click(screen.getByTestId('open'));
    expect((await screen.findByTestId('open-error')).textContent).toContain('the database is locked');
  });

  it('asks before unsaved changes are discarded', async () => {
    server.on('GET', '/api/flows', () => ({ body: { flows: [] } }));
    useEditor.getState().load(demo);
    render(<Toolbar onRun={() => {}} />);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('open'));
    expect(screen.getByTestId('confirm-dialog')).toBeTruthy();
    expect(screen.queryByTestId('open-dialog')).toBeNull();
    await user.click(screen.getByTestId('confirm-discard'));
    expect(await screen.findByTestId('open-dialog')).toBeTruthy();
  });
});

describe('new document', () => {
  it('keeps the document when the user declines to discard it, and starts afresh when they agree', async () => {
    useEditor.getState().load(demo);
    render(<Toolbar onRun={() => {}} />);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('new'));
    await user.click(screen.getByTestId('confirm-cancel'));
    expect(useEditor.getState().flow).toBe(demo);

    await user.click(screen.getByTestId('new'));
    await user.click(screen.getByTestId('confirm-discard'));
    expect(useEditor.getState().flow.nodes).toEqual([]);
    expect(useEditor.getState().saved).toBeUndefined();
  });
});

describe('import and export', () => {
  it('imports a valid flow file as a new unsaved document', async () => {
    useEditor.getState().load(demo, { id: 'flow_demo', version: 2, flow: demo });
    render(<Toolbar onRun={() => {}} />);
    const imported = { ...demo, name: 'imported', description: 'from git' };
    const file = new File([saveFlowYaml(imported)], 'imported.flow.yaml', { type: 'application/yaml' });
    await userEvent.setup().upload(screen.getByTestId('import-file'), file);
    await waitFor(() => expect(useEditor.getState().flow.name).toBe('imported'));
    expect(useEditor.getState().flow).toEqual(imported);
    expect(useEditor.getState().saved).toBeUndefined();
    expect(screen.getByTestId('toolbar-version').textContent).toBe('not saved');
    expect(screen.getByTestId('dirty')).toBeTruthy();
  });

  it('shows why a file does not load, and leaves the document alone', async () => {
    useEditor.getState().load(demo);
    render(<Toolbar onRun={() => {}} />);
    const broken = 'schemaVersion: 1\nname: broken\nnodes:\n  - id: 1bad\n    type: prompt\n';
    await userEvent.setup().upload(screen.getByTestId('import-file'), new File([broken], 'broken.flow.yaml'));
    const dialog = await screen.findByTestId('import-problems');
    expect(dialog.textContent).toContain('broken.flow.yaml');
    expect(dialog.textContent).toContain('node "1bad" (nodes[0].id): must start with a letter or _');
    expect(useEditor.getState().flow).toBe(demo);

    await userEvent
      .setup()
      .upload(screen.getByTestId('import-file'), new File(['name: [unclosed'], 'syntax.flow.yaml'));
    expect((await screen.findByText(/line 1, column/)).textContent).toMatch(/line 1, column \d+/);
  });

  it('downloads the current document, unsaved changes included, as <name>.flow.yaml', async () => {
    let blob: Blob | undefined;
    URL.createObjectURL = vi.fn((object: Blob | MediaSource) => {
      blob = object as Blob;
      return 'blob:flow';
    });
    URL.revokeObjectURL = vi.fn();
    let download: { name: string; href: string } | undefined;
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      download = { name: this.download, href: this.href };
    });
    useEditor.getState().load(demo, { id: 'flow_demo', version: 1, flow: demo });
    useEditor.getState().change((flow) => ({ ...flow, description: 'not saved yet' }));
    render(<Toolbar onRun={() => {}} />);
    await userEvent.setup().click(screen.getByTestId('export'));
    expect(download).toEqual({ name: 'demo.flow.yaml', href: 'blob:flow' });
    expect(await blob!.text()).toBe(saveFlowYaml({ ...demo, description: 'not saved yet' }));
    expect(await blob!.text()).toContain('description: not saved yet');
  });
});

describe('the document controls', () => {
  it('enables undo and redo only when there is something to undo or redo', async () => {
    useEditor.getState().load(demo);
    render(<Toolbar onRun={() => {}} />);
    const undo = screen.getByTestId('undo') as HTMLButtonElement;
    const redo = screen.getByTestId('redo') as HTMLButtonElement;
    expect([undo.disabled, redo.disabled]).toEqual([true, true]);

    useEditor.getState().change((flow) => ({ ...flow, description: 'one' }));
    await waitFor(() => expect(undo.disabled).toBe(false));
    expect(redo.disabled).toBe(true);

    const user = userEvent.setup();
    await user.click(undo);
    expect(useEditor.getState().flow.description).toBeUndefined();
    expect([undo.disabled, redo.disabled]).toEqual([true, false]);
    await user.click(redo);
    expect(useEditor.getState().flow.description).toBe('one');
    expect([undo.disabled, redo.disabled]).toEqual([false, true]);
  });

  it('renames the flow inline, refusing a name the schema does not allow', async () => {
    useEditor.getState().load(demo, { id: 'flow_demo', version: 1, flow: demo });
    render(<Toolbar onRun={() => {}} />);
    expect(screen.queryByTestId('dirty')).toBeNull();
    const user = userEvent.setup();
    await user.click(screen.getByTestId('toolbar-flow-name'));
    const field = screen.getByTestId('toolbar-flow-name') as HTMLInputElement;
    await user.clear(field);
    await user.type(field, 'bad name{Enter}');
    expect(screen.getByRole('alert').textContent).toContain('must start with a letter or digit');
    expect(useEditor.getState().flow.name).toBe('demo');

    await user.clear(field);
    await user.type(field, 'support-bot{Enter}');
    expect(useEditor.getState().flow.name).toBe('support-bot');
    expect(screen.getByTestId('toolbar-flow-name').tagName).toBe('BUTTON');
    expect(screen.getByTestId('dirty')).toBeTruthy();
  });

  it('calls onRun from the Run button', async () => {
    const onRun = vi.fn();
    render(<Toolbar onRun={onRun} />);
    await userEvent.setup().click(screen.getByTestId('run'));
    expect(onRun).toHaveBeenCalledTimes(1);
  });
});

describe('the server status', () => {
  it('explains how to start the server when /api/health cannot be reached', async () => {
    server.on('GET', '/api/health', () => {
      throw new TypeError('Failed to fetch');
    });
    render(<Toolbar onRun={() => {}} />);
    const banner = await screen.findByTestId('server-down');
    expect(banner.textContent).toContain('server is not running');
    expect(banner.textContent).toContain('npm start');
  });

  it('shows no banner while the server answers', async () => {
    render(<Toolbar onRun={() => {}} />);
    await waitFor(() => expect(server.calls('GET', '/api/health')).toHaveLength(1));
    expect(screen.queryByTestId('server-down')).toBeNull();
  });
});
