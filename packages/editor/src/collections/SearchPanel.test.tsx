// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError } from '../testing/fake-server.js';
import { SearchPanel } from './SearchPanel.js';
import { collection, collectionServer, passage, storedDocument } from './test-fixtures.js';

let server: ReturnType<typeof collectionServer>;

beforeEach(() => {
  server = collectionServer([
    {
      collection: collection(),
      documents: [
        storedDocument('install.md', 'Install with npm. Then install the models.', 'doc_install'),
        storedDocument('usage.md', 'Run a flow; the flow may install nothing.', 'doc_usage'),
        storedDocument('faq.md', 'Questions and answers.', 'doc_faq'),
      ],
    },
  ]);
  vi.stubGlobal('fetch', server.fetch);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const panel = (overrides: Parameters<typeof collection>[0] = {}) =>
  render(<SearchPanel collection={collection(overrides)} sources={['install.md', 'usage.md', 'faq.md']} />);

describe('searching a collection', () => {
  it('shows the ranked chunks with the matching terms marked', async () => {
    const user = userEvent.setup();
    panel();
    await user.type(screen.getByTestId('collection-search'), 'install{Enter}');
    const found = await screen.findAllByTestId('search-result');
    expect(found.map((item) => [item.dataset.rank, item.dataset.source])).toEqual([
      ['1', 'install.md'],
      ['2', 'usage.md'],
    ]);
    expect(found[0]!.textContent).toContain('keyword #1');
    expect(found[0]!.textContent).toContain('0.0164');
    const marks = found[0]!.querySelectorAll('mark[data-testid="search-highlight"]');
    expect([...marks].map((mark) => mark.textContent)).toEqual(['Install', 'install']);
    expect(found[0]!.querySelector('.search-text')!.textContent).toBe('Install with npm. Then install the models.');
    expect(server.calls('POST', '/api/collections/:collection/search')[0]!.body).toEqual({
      query: 'install',
      topK: 5,
      mode: 'keyword',
    });
  });

  it('sends top k, the mode and a source filter; hybrid is the default when the collection has embeddings', async () => {
    const user = userEvent.setup();
    panel({ embeddingModel: 'mini-embed' });
    expect((screen.getByTestId('search-mode') as HTMLSelectElement).value).toBe('hybrid');
    await user.clear(screen.getByTestId('search-top-k'));
    await user.type(screen.getByTestId('search-top-k'), '12');
    await user.selectOptions(screen.getByTestId('search-mode'), 'vector');
    await user.selectOptions(screen.getByTestId('search-source'), 'usage.md');
    await user.type(screen.getByTestId('collection-search'), 'install');
    await user.click(screen.getByTestId('search-submit'));
    await screen.findAllByTestId('search-result');
    expect(server.calls('POST', '/api/collections/:collection/search')[0]!.body).toEqual({
      query: 'install',
      topK: 12,
      mode: 'vector',
      sources: ['usage.md'],
    });
    expect(screen.getAllByTestId('search-result').map((item) => item.dataset.source)).toEqual(['usage.md']);
  });

  it('offers only keyword search without an embedding model, and says when the server searched another way', async () => {
    server.on('POST', '/api/collections/:collection/search', () => ({
      body: { passages: [passage({ heading: 'Install > From npm', vectorRank: 3 })], mode: 'keyword' },
    }));
    const user = userEvent.setup();
    panel();
    const mode = screen.getByTestId('search-mode') as HTMLSelectElement;
    expect(mode.value).toBe('keyword');
    expect((mode.querySelector('option[value="vector"]') as HTMLOptionElement).disabled).toBe(true);
    expect((mode.querySelector('option[value="hybrid"]') as HTMLOptionElement).disabled).toBe(true);
    cleanup();

    panel({ embeddingModel: 'mini-embed' });
    await user.type(screen.getByTestId('collection-search'), 'npm{Enter}');
    expect((await screen.findByTestId('search-mode-used')).textContent).toBe('Searched by keyword (asked for hybrid).');
    const [result] = screen.getAllByTestId('search-result');
    expect(result!.textContent).toContain('Install > From npm');
    expect(result!.textContent).toContain('keyword #1 · vector #3');
    expect(screen.queryAllByTestId('search-highlight')).toHaveLength(0);
  });

  it('says when nothing matches, and shows what the server refuses', async () => {
    const user = userEvent.setup();
    panel();
    await user.type(screen.getByTestId('collection-search'), 'zebra{Enter}');
    expect((await screen.findByTestId('search-empty')).textContent).toContain('No chunk matches “zebra”');
    server.on('POST', '/api/collections/:collection/search', () =>
      apiError(404, 'not-found', 'collection docs does not exist'),
    );
    await user.click(screen.getByTestId('search-submit'));
    expect((await screen.findByTestId('search-error')).textContent).toBe(
      'Search failed: collection docs does not exist',
    );
    expect(screen.queryByTestId('search-empty')).toBeNull();
  });

  it('does not send an empty query, one over 2000 characters, or a top k out of range', async () => {
    const user = userEvent.setup();
    panel();
    const submit = screen.getByTestId('search-submit');
    expect(submit).toHaveProperty('disabled', true);
    await user.type(screen.getByTestId('collection-search'), '   ');
    expect(submit).toHaveProperty('disabled', true);
    await user.click(screen.getByTestId('collection-search'));
    await user.paste('a'.repeat(2001));
    expect(screen.getByTestId('search-query-problem').textContent).toBe(
      'The query is too long (2004 characters; at most 2000)',
    );
    expect(submit).toHaveProperty('disabled', true);
    await user.clear(screen.getByTestId('collection-search'));
    await user.type(screen.getByTestId('collection-search'), 'install');
    await user.clear(screen.getByTestId('search-top-k'));
    await user.type(screen.getByTestId('search-top-k'), '101');
    expect(screen.getByText('Top k: a whole number from 1 to 100')).toBeTruthy();
    await user.type(screen.getByTestId('collection-search'), '{Enter}');
    expect(server.calls('POST', '/api/collections/:collection/search')).toHaveLength(0);
  });
});
