// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { apiError, type FakeServer, savedFlow, versionEntry } from '../testing/fake-server.js';
import { useSaveUi } from '../toolbar/save-store.js';
import { HistoryPanel } from './HistoryPanel.js';
import { type HistoryFixture, historyFixture, v1, v2, v3 } from './test-fixtures.js';

let fixture: HistoryFixture;
let server: FakeServer;

beforeEach(() => {
  fixture = historyFixture();
  server = fixture.server;
  vi.stubGlobal('fetch', server.fetch);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const item = (version: number) => screen.getByTestId(`history-version-${version}`);

describe('opening and restoring versions', () => {
  it('opens an older version, asking first when there are unsaved changes', async () => {
    useEditor.getState().change((flow) => ({ ...flow, description: 'unsaved edit' }));
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await screen.findByTestId('history-list');
    expect(screen.getByTestId('history-unsaved-changes')).toBeTruthy();

    await user.click(screen.getByTestId('history-open-2'));
    expect(screen.getByTestId('confirm-dialog')).toBeTruthy();
    await user.click(screen.getByTestId('confirm-cancel'));
    expect(server.calls('GET', '/api/flows/:id/versions/:version')).toHaveLength(0);
    expect(useEditor.getState().flow.description).toBe('unsaved edit');

    await user.click(screen.getByTestId('history-open-2'));
    await user.click(screen.getByTestId('confirm-discard'));
    await waitFor(() => expect(useEditor.getState().saved?.version).toBe(2));
    expect(server.calls('GET', '/api/flows/:id/versions/:version')[0]!.path).toBe('/api/flows/flow_qa/versions/2');
    expect(useEditor.getState().flow).toEqual(v2);
    expect((await screen.findByTestId('history-old-version')).textContent).toContain('The canvas shows v2');
    expect(screen.getByTestId('history-open-2')).toHaveProperty('disabled', true);
  });

  it('restores a version with a note and opens the new latest version', async () => {
    server.on('POST', '/api/flows/:id/versions/:version/restore', () => {
      fixture.versions = [...fixture.versions, versionEntry(4, { note: 'back to the draft' })];
      return { status: 201, body: savedFlow(v1, { id: 'flow_qa', version: 4 }) };
    });
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await screen.findByTestId('history-list');
    expect(screen.getByTestId('history-restore-3')).toHaveProperty('disabled', true);
    await user.click(screen.getByTestId('history-restore-1'));
    expect(screen.getByTestId('history-restore-dialog').textContent).toContain('Saves a new version, v4');
    expect(screen.queryByTestId('history-restore-unsaved')).toBeNull();
    await user.type(screen.getByTestId('history-restore-note'), 'back to the draft');
    await user.click(screen.getByTestId('history-restore-confirm'));

    expect((await screen.findByTestId('history-status')).textContent).toContain('Restored as v4');
    const request = server.calls('POST', '/api/flows/:id/versions/:version/restore')[0]!;
    expect([request.path, request.body]).toEqual([
      '/api/flows/flow_qa/versions/1/restore',
      { note: 'back to the draft' },
    ]);
    expect(useEditor.getState().saved).toMatchObject({ id: 'flow_qa', version: 4 });
    expect(useEditor.getState().flow).toEqual(v1);
    expect(useSaveUi.getState().status?.text).toBe('Restored as v4');
    expect(screen.queryByTestId('history-restore-dialog')).toBeNull();
    expect(await screen.findByTestId('history-version-4')).toBeTruthy();
  });

  it('says when the latest version already has the content, and warns of unsaved changes first', async () => {
    server.on('POST', '/api/flows/:id/versions/:version/restore', () => ({
      body: savedFlow(v3, { id: 'flow_qa', version: 3, unchanged: true }),
    }));
    useEditor.getState().change((flow) => ({ ...flow, description: 'unsaved edit' }));
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await user.click(await screen.findByTestId('history-restore-2'));
    expect(screen.getByTestId('history-restore-unsaved').textContent).toContain('will be lost');
    expect(screen.getByTestId('history-restore-confirm').textContent).toBe('Discard changes and restore');
    await user.click(screen.getByTestId('history-restore-confirm'));
    expect((await screen.findByTestId('history-status')).textContent).toContain(
      'v2 is already the latest content (v3); nothing was saved',
    );
    expect(server.calls('POST', '/api/flows/:id/versions/:version/restore')[0]!.body).toEqual({});
    expect(useEditor.getState().flow).toEqual(v3);
  });

  it('keeps the dialog open with the reason when restoring fails', async () => {
    server.on('POST', '/api/flows/:id/versions/:version/restore', () =>
      apiError(404, 'not-found', 'flow "qa" not found'),
    );
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await user.click(await screen.findByTestId('history-restore-1'));
    await user.click(screen.getByTestId('history-restore-confirm'));
    expect((await screen.findByTestId('history-restore-error')).textContent).toContain('flow "qa" not found');
    expect(useEditor.getState().saved?.version).toBe(3);
  });
});

describe('labels', () => {
  it('points a label at a version (saying it moves) and removes one from its chip', async () => {
    server.on('PUT', '/api/flows/:id/labels/:label', (request) => ({
      body: { label: request.params.label, version: (request.body as { version: number }).version, labels: {} },
    }));
    server.on('DELETE', '/api/flows/:id/labels/:label', () => new Response(null, { status: 204 }));
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await screen.findByTestId('history-list');

    await user.click(screen.getByTestId('history-label-2'));
    const name = screen.getByTestId('history-label-name-2');
    await user.type(name, 'Prod!');
    expect(item(2).textContent).toContain('lower-case letters');
    expect(screen.getByTestId('history-label-set-2')).toHaveProperty('disabled', true);
    await user.clear(name);
    await user.type(name, 'production');
    expect(item(2).textContent).toContain('Moves production from v3 to v2.');
    await user.click(screen.getByTestId('history-label-set-2'));
    await waitFor(() => expect(server.calls('PUT', '/api/flows/:id/labels/:label')).toHaveLength(1));
    const put = server.calls('PUT', '/api/flows/:id/labels/:label')[0]!;
    expect([put.path, put.body]).toEqual(['/api/flows/flow_qa/labels/production', { version: 2 }]);
    await waitFor(() => expect(server.calls('GET', '/api/flows/:id/versions')).toHaveLength(2));
    expect(screen.queryByTestId('history-label-name-2')).toBeNull();

    await user.click(screen.getByTestId('history-label-remove-1-staging'));
    await waitFor(() => expect(server.calls('DELETE', '/api/flows/:id/labels/:label')).toHaveLength(1));
    expect(server.calls('DELETE', '/api/flows/:id/labels/:label')[0]!.path).toBe('/api/flows/flow_qa/labels/staging');
    await waitFor(() => expect(server.calls('GET', '/api/flows/:id/versions')).toHaveLength(3));
  });

  it("shows the server's refusal beside the version", async () => {
    server.on('PUT', '/api/flows/:id/labels/:label', () =>
      apiError(400, 'invalid-request', 'params.label: must be at most 64 characters'),
    );
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await user.click(await screen.findByTestId('history-label-1'));
    await user.type(screen.getByTestId('history-label-name-1'), 'beta{Enter}');
    expect((await screen.findByTestId('history-label-error-1')).textContent).toContain('must be at most 64 characters');
  });
});
