/**
 * Collections in a real browser against a real server: create a collection in the editor, upload two Markdown files
 * through the file input, search for what only one of them says and find it first with the term marked, then upload
 * a changed version of one file and see it replaced (its new text found, its old text gone).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../http/server-process.js';
import { type BrowserSession, closeBrowserSession, openBrowserSession, screenshotPath } from './browser.js';

const INSTALL = `# Installing Groundwork

## From npm

Run npm install in the checkout, then npm start. The server listens on port 4100 and serves the editor.

## Models

Put ONNX model folders under ./models. The engine picks CUDA, WebGPU or the CPU, and says which.
Search the models folder for a tokenizer.json when a model does not load.
`;

const RETRIEVAL = `# Retrieval

A collection holds documents cut into chunks that respect headings and sentences.
Keyword search ranks the chunks with BM25 over an FTS5 index.

## Hybrid search

With a sentence-embedding model, vector search joins keyword search through reciprocal rank fusion.
`;

const RETRIEVAL_CHANGED = `${RETRIEVAL}
## Reranking

A cross-encoder reranker may reorder the top passages before they reach the prompt.
`;

function writeFiles(files: Record<string, string>): string[] {
  const folder = mkdtempSync(join(tmpdir(), 'groundwork-docs-'));
  return Object.entries(files).map(([name, text]) => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  });
}

const statuses = (page: Page) =>
  page
    .getByTestId('upload-result')
    .evaluateAll((items) =>
      items.map((item) => `${item.getAttribute('data-source')}:${item.getAttribute('data-status')}`),
    );

async function search(page: Page, query: string): Promise<void> {
  await page.getByTestId('collection-search').fill(query);
  await page.getByTestId('search-submit').click();
  await expect.poll(() => page.getByTestId('search-loading').count()).toBe(0);
}

describe('collections in a browser', () => {
  let server: ServerProcess;
  let page: Page;
  let errors: string[];
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    session = await openBrowserSession({ width: 1500, height: 950 });
    ({ server, page, errors } = session);
  });

  afterAll(() => closeBrowserSession(session));

  it('creates a collection, uploads Markdown, finds the right document with the term marked, and replaces a file', async () => {
    await page.goto(server.url);
    await page.getByTestId('nav-collections').click();
    await expect.poll(() => page.getByTestId('collections-empty').isVisible()).toBe(true);

    // A collection without an embedding model: keyword (BM25) search.
    await page.getByTestId('collection-name').fill('handbook');
    await page.getByTestId('collection-create').click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/collections/handbook');
    await expect.poll(() => page.getByTestId('documents-empty').isVisible()).toBe(true);

    // Two Markdown files at once: each added, each listed with its chunks.
    const [install, retrieval] = writeFiles({ 'install.md': INSTALL, 'retrieval.md': RETRIEVAL });
    await page.getByTestId('collection-upload').setInputFiles([install!, retrieval!]);
    await expect.poll(() => statuses(page)).toEqual(['install.md:added', 'retrieval.md:added']);
    await expect.poll(() => page.getByTestId('collection-document').count()).toBe(2);
    const sources = await page
      .getByTestId('collection-document')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-source')));
    expect(sources.sort()).toEqual(['install.md', 'retrieval.md']);
    expect(await page.getByTestId('collection-handbook').textContent()).toContain('2 documents');

    // "fusion" is only in retrieval.md; "search" is in both: retrieval.md comes first, its terms marked.
    await search(page, 'fusion search');
    const results = page.getByTestId('search-result');
    await expect.poll(() => results.count()).toBeGreaterThanOrEqual(2);
    expect(await results.first().getAttribute('data-source')).toBe('retrieval.md');
    const marked = await results
      .first()
      .getByTestId('search-highlight')
      .evaluateAll((marks) => marks.map((mark) => mark.textContent?.toLowerCase()));
    expect(marked).toContain('fusion');
    expect(marked).toContain('search');
    expect(await results.first().textContent()).toContain('reciprocal rank fusion');
    const sourcesFound = await results.evaluateAll((items) => items.map((item) => item.getAttribute('data-source')));
    expect(sourcesFound).toContain('install.md');

    // A changed retrieval.md replaces the stored one: its new words are found, and it is still one document.
    const [changed] = writeFiles({ 'retrieval.md': RETRIEVAL_CHANGED });
    await page.getByTestId('collection-upload').setInputFiles([changed!]);
    await expect.poll(() => statuses(page)).toEqual(['retrieval.md:replaced']);
    expect(await page.getByTestId('upload-result').textContent()).toContain('replaced');
    await expect.poll(() => page.getByTestId('collection-document').count()).toBe(2);
    await search(page, 'reranker');
    await expect.poll(() => results.count()).toBe(1);
    expect(await results.first().getAttribute('data-source')).toBe('retrieval.md');
    expect(await results.first().getByTestId('search-highlight').first().textContent()).toBe('reranker');

    // The picture: the documents, and a query's ranked chunks with the terms marked.
    await search(page, 'fusion search');
    await expect.poll(() => results.count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: screenshotPath('collections.png') });

    // The same file again changes nothing.
    await page.getByTestId('collection-upload').setInputFiles([changed!]);
    await expect.poll(() => statuses(page)).toEqual(['retrieval.md:unchanged']);

    expect(errors).toEqual([]);
  });
});
