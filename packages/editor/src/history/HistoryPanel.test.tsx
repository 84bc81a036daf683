// @vitest-environment jsdom
import { diffFlows } from '@groundwork/runtime/diff';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { apiError, type FakeServer, versionEntry } from '../testing/fake-server.js';
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

describe('the version list', () => {
  it('lists the versions newest first with notes, labels, the published one and what each changed', async () => {
    render(<HistoryPanel />);
    await screen.findByTestId('history-list');
    const listed = [...document.querySelectorAll('[data-testid^="history-version-"]')];
    expect(listed.map((element) => element.getAttribute('data-testid'))).toEqual([
      'history-version-3',
      'history-version-2',
      'history-version-1',
    ]);
    expect(within(item(3)).getByTestId('history-published-3').textContent).toBe(
      'publishedserves /api/v1/flows/qa/run (production)',
    );
    expect(screen.queryByTestId('history-published-2')).toBeNull();
    expect(item(3).textContent).toContain('tighter');
    expect(item(3).textContent).toContain('latest');
    expect(within(item(3)).getByTestId('history-chip-3-production')).toBeTruthy();
    expect(within(item(1)).getByTestId('history-chip-1-staging')).toBeTruthy();
    expect(item(2).textContent).toContain('No note');
    expect(item(1).textContent).toContain('First version.');

    // Grouped by node, then variant: the variant's lines under its name, without repeating it.
    const v3Changes = within(item(3)).getByTestId('history-changes-3');
    const ask = v3Changes.querySelector('[data-node="ask"]')!;
    expect(ask.textContent).toBe('ask~edited template (1 word added)');
    const formal = v3Changes.querySelector('[data-node="answer"] [data-variant="formal"]')!;
    expect(formal.textContent).toBe('variant formal~temperature 0 → 0.7');
    expect(within(item(2)).getByTestId('history-changes-2').textContent).toContain('set description');
  });

  it('says to save first for a document never saved', async () => {
    useEditor.getState().load(v1);
    render(<HistoryPanel />);
    expect(screen.getByTestId('history-unsaved').textContent).toContain('Save the flow to start its history.');
    await userEvent.setup().click(screen.getByTestId('history-save'));
    expect(useSaveUi.getState().dialogOpen).toBe(true);
    expect(server.calls('GET', '/api/flows/:id/versions')).toHaveLength(0);
  });

  it('shows why the list failed, and tries again', async () => {
    let fail = true;
    server.on('GET', '/api/flows/:id/versions', () =>
      fail
        ? apiError(500, 'internal', 'database is locked')
        : { body: { versions: fixture.versions, published: { version: 3, label: null } } },
    );
    render(<HistoryPanel />);
    expect((await screen.findByTestId('history-error')).textContent).toContain('database is locked');
    fail = false;
    await userEvent.setup().click(within(screen.getByTestId('history-error')).getByRole('button'));
    await screen.findByTestId('history-list');
    expect(screen.getByTestId('history-published-3').textContent).toContain('(latest)');
  });

  it('fetches the list again when the document is saved as a new version', async () => {
    render(<HistoryPanel />);
    await screen.findByTestId('history-list');
    fixture.versions = [...fixture.versions, versionEntry(4, { note: 'saved to run' })];
    act(() => useEditor.getState().markSaved({ id: 'flow_qa', version: 4, flow: v3 }));
    expect((await screen.findByTestId('history-version-4')).textContent).toContain('saved to run');
    expect(server.calls('GET', '/api/flows/:id/versions')).toHaveLength(2);
  });
});

describe('comparing versions', () => {
  it('compares two ticked versions from the older to the newer; a third tick lets go of the first', async () => {
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await screen.findByTestId('history-list');
    expect(screen.getByTestId('history-compare')).toHaveProperty('disabled', true);
    await user.click(screen.getByTestId('history-select-3'));
    await user.click(screen.getByTestId('history-select-1'));
    expect(screen.getByTestId('history-compare').textContent).toBe('Compare v1 → v3');
    await user.click(screen.getByTestId('history-select-2'));
    expect(screen.getByTestId('history-select-3')).toHaveProperty('checked', false);
    expect(screen.getByTestId('history-select-1')).toHaveProperty('checked', true);
    expect(screen.getByTestId('history-compare').textContent).toBe('Compare v1 → v2');
    await user.click(screen.getByTestId('history-select-1'));
    await user.click(screen.getByTestId('history-select-3'));

    await user.click(screen.getByTestId('history-compare'));
    const request = server.calls('GET', '/api/flows/:id/diff')[0]!;
    expect([request.path, request.query.get('from'), request.query.get('to')]).toEqual([
      '/api/flows/flow_qa/diff',
      '2',
      '3',
    ]);
    const view = await screen.findByTestId('diff-view');
    expect(screen.getByTestId('diff-title').textContent).toBe('v2 → v3');
    const ask = within(view).getByTestId('diff-node-ask');
    expect([...ask.querySelectorAll('mark[data-diff="added"]')].map((mark) => mark.textContent!.trim())).toEqual([
      'very',
    ]);
    expect(ask.querySelectorAll('mark[data-diff="removed"]')).toHaveLength(0);
    expect(within(view).getByTestId('diff-variant-answer-formal').textContent).toContain('config.temperature: 0 → 0.7');

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('diff-view')).toBeNull();
    expect(screen.queryByTestId('diff-dialog')).toBeNull();
  });

  it('compares a version with the one before it, and closes with the close button', async () => {
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await screen.findByTestId('history-list');
    expect(screen.getByTestId('history-compare-previous-1')).toHaveProperty('disabled', true);
    await user.click(screen.getByTestId('history-compare-previous-2'));
    const request = server.calls('GET', '/api/flows/:id/diff')[0]!;
    expect([request.query.get('from'), request.query.get('to')]).toEqual(['1', '2']);
    const view = await screen.findByTestId('diff-view');
    expect(within(view).getByTestId('diff-section-flow').textContent).toContain('description');
    await user.click(screen.getByTestId('diff-close'));
    expect(screen.queryByTestId('diff-dialog')).toBeNull();
  });

  it('says why a comparison failed and tries again', async () => {
    let fail = true;
    server.on('GET', '/api/flows/:id/diff', () =>
      fail
        ? apiError(400, 'invalid-request', 'flow "qa" has no version 9', {
            issues: [{ path: 'query.from', message: 'flow "qa" has no version 9' }],
          })
        : {
            body: {
              flowId: 'flow_qa',
              from: versionEntry(2),
              to: versionEntry(3),
              diff: diffFlows(v2, v2),
              summary: [],
            },
          },
    );
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await user.click(await screen.findByTestId('history-compare-previous-3'));
    expect((await screen.findByTestId('diff-error')).textContent).toContain('has no version 9');
    fail = false;
    await user.click(screen.getByTestId('diff-retry'));
    expect((await screen.findByTestId('diff-empty')).textContent).toContain('No differences');
  });
});

describe('unsaved changes', () => {
  it('compares the saved version with the canvas, on the spot', async () => {
    useEditor.getState().change((flow) => ({ ...flow, description: 'draft description' }));
    const user = userEvent.setup();
    render(<HistoryPanel />);
    await user.click(screen.getByTestId('history-review-unsaved'));
    expect(screen.getByTestId('diff-title').textContent).toBe('v3 → unsaved edits');
    expect(screen.getByTestId('diff-view').textContent).toContain('draft description');
    expect(server.calls('GET', '/api/flows/:id/diff')).toHaveLength(0);
  });
});
