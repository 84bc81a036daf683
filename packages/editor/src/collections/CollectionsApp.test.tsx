// @vitest-environment jsdom
import '../canvas/test-setup.js';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app/App.js';
import { useEditor } from '../state/editor-store.js';
import { collectionServer } from './test-fixtures.js';

let server: ReturnType<typeof collectionServer>;

beforeEach(() => {
  server = collectionServer();
  vi.stubGlobal('fetch', server.fetch);
  window.location.hash = '';
  useEditor.setState(useEditor.getInitialState(), true);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.location.hash = '';
});

/** jsdom changes the hash at once but fires hashchange later; wait for the page to follow. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 20)));

describe('the collection pages in the app', () => {
  it('are reached from the main navigation, and the canvas keeps the flow meanwhile', async () => {
    const user = userEvent.setup();
    render(<App />);
    useEditor.getState().change((flow) => ({ ...flow, name: 'kept' }));
    await user.click(screen.getByTestId('nav-collections'));
    await settle();
    expect(window.location.hash).toBe('#/collections');
    expect(screen.getByTestId('nav-collections').getAttribute('aria-current')).toBe('page');
    expect(screen.queryByTestId('canvas')).toBeNull();

    await user.click(await screen.findByTestId('collection-docs'));
    await settle();
    expect(await screen.findByTestId('collection-view')).toBeTruthy();
    expect(window.location.hash).toBe('#/collections/docs');

    await user.click(screen.getByTestId('nav-editor'));
    await settle();
    expect(screen.getByTestId('canvas')).toBeTruthy();
    expect(useEditor.getState().flow.name).toBe('kept');
  });

  it('open at the collection a link names', async () => {
    window.location.hash = '#/collections/docs';
    render(<App />);
    expect((await screen.findAllByTestId('collection-document')).map((row) => row.dataset.source)).toEqual([
      'install.md',
    ]);
    expect(server.calls('GET', '/api/collections/:collection')[0]!.path).toBe('/api/collections/docs');
    expect(screen.getByTestId('collection-docs').getAttribute('aria-current')).toBe('true');
  });
});
