// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError } from '../testing/fake-server.js';
import { CollectionView } from './CollectionView.js';
import { collection, collectionServer, storedDocument } from './test-fixtures.js';

let server: ReturnType<typeof collectionServer>;
const changed = vi.fn();

beforeEach(() => {
  server = collectionServer([
    { collection: collection(), documents: [storedDocument('install.md', '# Install\nRun npm install.')] },
  ]);
  vi.stubGlobal('fetch', server.fetch);
  changed.mockClear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const file = (name: string, text: string) => new File([text], name, { type: '' });
const view = () => render(<CollectionView collection="docs" onChanged={changed} onDeleted={() => {}} />);
const results = () => screen.getAllByTestId('upload-result').map((item) => [item.dataset.source, item.dataset.status]);

describe('a collection', () => {
  it('lists its documents with their chunks, and how it cuts and searches', async () => {
    view();
    const rows = await screen.findAllByTestId('collection-document');
    expect(rows.map((row) => row.dataset.source)).toEqual(['install.md']);
    expect(rows[0]!.textContent).toContain('markdown · 26 characters');
    expect(screen.getByTestId('collection-summary').textContent).toBe(
      '1 document · 1 chunk · keyword search only · chunks of 1000 characters, 150 overlap',
    );
  });

  it('uploads several files, each as its own source and format, and says what each did', async () => {
    const user = userEvent.setup();
    view();
    await screen.findAllByTestId('collection-document');
    await user.upload(screen.getByTestId('collection-upload'), [
      file('usage.md', '# Usage\nCall it.\n\nThen stop.'),
      file('notes.txt', 'Plain notes.'),
      file('page.html', '<p>Hello</p>'),
    ]);
    await vi.waitFor(() =>
      expect(results()).toEqual([
        ['usage.md', 'added'],
        ['notes.txt', 'added'],
        ['page.html', 'added'],
      ]),
    );
    const requests = server.calls('POST', '/api/collections/:collection/documents');
    expect(requests.map((request) => [request.query.get('source'), request.headers.get('content-type')])).toEqual([
      ['usage.md', 'text/markdown'],
      ['notes.txt', 'text/plain'],
      ['page.html', 'text/html'],
    ]);
    expect(requests[0]!.body).toBe('# Usage\nCall it.\n\nThen stop.');
    expect(requests[0]!.path).toBe('/api/collections/col_docs/documents');
    expect(screen.getAllByTestId('upload-result')[0]!.textContent).toBe('usage.md added (2 chunks)');
    await vi.waitFor(() => expect(screen.getAllByTestId('collection-document')).toHaveLength(4));
    expect(changed).toHaveBeenCalled();
  });

  it('reports a changed file as replaced and the same file again as unchanged', async () => {
    const user = userEvent.setup();
    view();
    await screen.findAllByTestId('collection-document');
    await user.upload(screen.getByTestId('collection-upload'), file('install.md', '# Install\nRun npm ci.'));
    await vi.waitFor(() => expect(results()).toEqual([['install.md', 'replaced']]));
    expect(screen.getByTestId('upload-result').textContent).toContain('replaced');
    await user.upload(screen.getByTestId('collection-upload'), file('install.md', '# Install\nRun npm ci.'));
    await vi.waitFor(() => expect(results()).toEqual([['install.md', 'unchanged']]));
    expect(screen.getAllByTestId('collection-document')).toHaveLength(1);
    expect(server.state.get('docs')!.documents[0]!.content).toBe('# Install\nRun npm ci.');
  });

  it('names why a file was refused, sends nothing for a kind it does not take, and goes on with the rest', async () => {
    server.on('POST', '/api/collections/:collection/documents', (request) =>
      request.query.get('source') === 'empty.md'
        ? apiError(400, 'invalid-request', 'the document is empty')
        : { status: 201, body: { document: storedDocument('ok.md', 'Fine.'), status: 'added' } },
    );
    const user = userEvent.setup({ applyAccept: false });
    view();
    await screen.findAllByTestId('collection-document');
    await user.upload(screen.getByTestId('collection-upload'), [
      file('empty.md', ' '),
      file('image.png', 'x'),
      file('ok.md', 'Fine.'),
    ]);
    await vi.waitFor(() =>
      expect(results()).toEqual([
        ['empty.md', 'failed'],
        ['image.png', 'failed'],
        ['ok.md', 'added'],
      ]),
    );
    const [empty, image] = screen.getAllByTestId('upload-result');
    expect(empty!.textContent).toContain('refused: the document is empty');
    expect(image!.textContent).toContain('not a .md, .markdown, .txt, .html, .htm file');
    expect(server.calls('POST', '/api/collections/:collection/documents').map((r) => r.query.get('source'))).toEqual([
      'empty.md',
      'ok.md',
    ]);
  });

  it('removes a document after asking', async () => {
    const user = userEvent.setup();
    view();
    await user.click(await screen.findByTestId('document-remove'));
    await user.click(screen.getByTestId('document-remove-confirm'));
    expect(await screen.findByTestId('documents-empty')).toBeTruthy();
    expect(server.calls('DELETE', '/api/collections/:collection/documents/:document')[0]!.path).toBe(
      '/api/collections/col_docs/documents/doc_install.md',
    );
  });

  it('says a collection that does not exist does not, without offering to try again', async () => {
    render(<CollectionView collection="gone" onChanged={changed} onDeleted={() => {}} />);
    const error = await screen.findByTestId('collection-error');
    expect(error.textContent).toContain('collection gone does not exist');
    expect(within(error).queryByRole('button')).toBeNull();
  });
});
