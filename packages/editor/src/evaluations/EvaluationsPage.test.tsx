// @vitest-environment jsdom
import '../canvas/test-setup.js';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app/App.js';
import { useEditor } from '../state/editor-store.js';
import type { FakeServer } from '../testing/fake-server.js';
import { evaluationServer } from './test-fixtures.js';

let server: FakeServer;

beforeEach(() => {
  server = evaluationServer();
  vi.stubGlobal('fetch', server.fetch);
  window.location.hash = '';
  useEditor.setState(useEditor.getInitialState(), true);
});

afterEach(() => {
  vi.unstubAllGlobals();
  window.location.hash = '';
});

/** jsdom changes the hash at once but fires hashchange later; wait for the page to follow. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 20)));

describe('the evaluation pages in the app', () => {
  it('are reached from the main navigation, and the canvas keeps the flow meanwhile', async () => {
    const user = userEvent.setup();
    render(<App />);
    useEditor.getState().change((flow) => ({ ...flow, name: 'kept' }));
    await user.click(screen.getByTestId('nav-evaluations'));
    await settle();
    expect((await screen.findByTestId('evaluations-list')).textContent).toContain('qa on qa-set');
    expect(screen.getByTestId('nav-evaluations').getAttribute('aria-current')).toBe('page');
    expect(screen.queryByTestId('canvas')).toBeNull();

    await user.click(screen.getByTestId('evaluations-nav-datasets'));
    await settle();
    expect(await screen.findByTestId('dataset-qa-set')).toBeTruthy();
    await user.click(screen.getByTestId('evaluation-new'));
    await settle();
    expect(await screen.findByTestId('evaluation-form')).toBeTruthy();

    await user.click(screen.getByTestId('nav-editor'));
    await settle();
    expect(screen.getByTestId('canvas')).toBeTruthy();
    expect(useEditor.getState().flow.name).toBe('kept');
  });

  it('open at the evaluation a link names', async () => {
    window.location.hash = '#/evaluations/evl_1';
    render(<App />);
    expect(await screen.findByTestId('evaluation-summary')).toBeTruthy();
    expect(server.calls('GET', '/api/evaluations/:id')[0]!.path).toBe('/api/evaluations/evl_1');
  });
});
