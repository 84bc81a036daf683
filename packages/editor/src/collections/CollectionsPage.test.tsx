// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError } from '../testing/fake-server.js';
import { CollectionsPage } from './CollectionsPage.js';
import { collection, collectionServer, storedDocument } from './test-fixtures.js';

let server: ReturnType<typeof collectionServer>;

beforeEach(() => {
  server = collectionServer([
    {
      collection: collection(),
      documents: [storedDocument('install.md', 'Install it.'), storedDocument('usage.md', 'Use it.')],
    },
    { collection: collection({ id: 'col_wiki', name: 'wiki', embeddingModel: 'mini-embed' }), documents: [] },
  ]);
  vi.stubGlobal('fetch', server.fetch);
  window.location.hash = '#/collections';
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.location.hash = '';
});

describe('the collections list', () => {
  it('shows each collection with its documents, chunks and embedding model', async () => {
    render(<CollectionsPage />);
    expect((await screen.findByTestId('collection-docs')).textContent).toContain(
      '2 documents · 2 chunks · keyword only',
    );
    expect(screen.getByTestId('collection-wiki').textContent).toContain('0 documents · 0 chunks · mini-embed');
    expect(screen.getByTestId('collection-docs').getAttribute('href')).toBe('#/collections/docs');
    expect(screen.getByTestId('collection-none')).toBeTruthy();
  });

  it('says what a collection is for when there is none, and offers to try again when loading fails', async () => {
    server.state.clear();
    const { unmount } = render(<CollectionsPage />);
    expect((await screen.findByTestId('collections-empty')).textContent).toContain('No collections yet');
    unmount();
    let fail = true;
    server.on('GET', '/api/collections', () =>
      fail ? apiError(500, 'internal', 'database is locked') : { body: { collections: [collection()] } },
    );
    const user = userEvent.setup();
    render(<CollectionsPage />);
    expect((await screen.findByTestId('collections-error')).textContent).toContain('database is locked');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('collection-docs')).toBeTruthy();
  });

  it('creates a collection with an embedding model and chunk settings, then opens it', async () => {
    const user = userEvent.setup();
    render(<CollectionsPage />);
    await screen.findByTestId('collection-docs');
    await user.type(screen.getByTestId('collection-name'), 'handbook');
    await user.type(screen.getByTestId('collection-embedding-model'), 'mini-embed');
    await user.clear(screen.getByTestId('collection-chunk-size'));
    await user.type(screen.getByTestId('collection-chunk-size'), '500');
    await user.clear(screen.getByTestId('collection-chunk-overlap'));
    await user.type(screen.getByTestId('collection-chunk-overlap'), '50');
    await user.click(screen.getByTestId('collection-create'));
    await vi.waitFor(() => expect(window.location.hash).toBe('#/collections/handbook'));
    expect(server.calls('POST', '/api/collections')[0]!.body).toEqual({
      name: 'handbook',
      embeddingModel: 'mini-embed',
      chunkSize: 500,
      chunkOverlap: 50,
    });
    expect((await screen.findByTestId('collection-handbook')).textContent).toContain('mini-embed');
    expect((screen.getByTestId('collection-name') as HTMLInputElement).value).toBe('');
  });

  it('checks the name and chunk settings before sending, and shows what the server refuses', async () => {
    const user = userEvent.setup();
    render(<CollectionsPage />);
    await screen.findByTestId('collection-docs');
    const create = screen.getByTestId('collection-create');
    expect(create).toHaveProperty('disabled', true);
    await user.type(screen.getByTestId('collection-name'), '-bad name');
    expect(screen.getByText(/Start with a letter or digit/)).toBeTruthy();
    await user.clear(screen.getByTestId('collection-name'));
    await user.type(screen.getByTestId('collection-name'), 'docs');
    await user.clear(screen.getByTestId('collection-chunk-overlap'));
    await user.type(screen.getByTestId('collection-chunk-overlap'), '600');
    expect(screen.getByText('Overlap: Less than half the chunk size (500)')).toBeTruthy();
    expect(create).toHaveProperty('disabled', true);
    await user.clear(screen.getByTestId('collection-chunk-size'));
    await user.type(screen.getByTestId('collection-chunk-size'), '50');
    expect(screen.getByText('Chunk size: A whole number from 100 to 20000')).toBeTruthy();
    expect(server.calls('POST', '/api/collections')).toHaveLength(0);

    await user.clear(screen.getByTestId('collection-chunk-size'));
    await user.type(screen.getByTestId('collection-chunk-size'), '2000');
    await user.click(create);
    expect((await screen.findByTestId('collection-create-error')).textContent).toBe(
      'a collection named docs already exists',
    );
    expect(window.location.hash).toBe('#/collections');
    expect((screen.getByTestId('collection-name') as HTMLInputElement).value).toBe('docs');
  });

  it('deletes the chosen collection after asking, and goes back to the list', async () => {
    const user = userEvent.setup();
    window.location.hash = '#/collections/docs';
    render(<CollectionsPage selected="docs" />);
    await user.click(await screen.findByTestId('collection-delete'));
    await user.click(screen.getByTestId('collection-delete-confirm'));
    await vi.waitFor(() => expect(window.location.hash).toBe('#/collections'));
    expect(server.calls('DELETE', '/api/collections/:collection')[0]!.path).toBe('/api/collections/col_docs');
    await vi.waitFor(() => expect(screen.queryByTestId('collection-docs')).toBeNull());
  });
});
