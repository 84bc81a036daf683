/**
 * Version history in a real browser against a real server: edit a template word, save, open the history, pick the
 * two versions and see exactly that word highlighted on each side; restore the first version; replay a sampled run
 * and get the same story.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../http/server-process.js';
import { api, type BrowserSession, closeBrowserSession, openBrowserSession, screenshotPath } from './browser.js';

const FLOW = `schemaVersion: 1
name: bedtime
inputs:
  topic: { type: text }
outputs:
  story: { type: text }
nodes:
  - id: topic
    type: input
    position: { x: 0, y: 0 }
    config: { name: topic }
  - id: ask
    type: prompt
    position: { x: 300, y: 0 }
    config:
      template: "Once upon a time there was a little {{ topic }}"
  - id: write
    type: llm
    position: { x: 600, y: 0 }
    config: { maxTokens: 24, temperature: 0.9 }
  - id: story
    type: output
    position: { x: 900, y: 0 }
    config: { name: story }
edges:
  - { from: topic.value, to: ask.topic }
  - { from: ask.prompt, to: write.prompt }
  - { from: write.text, to: story.value }
`;

const marks = (page: Page, nodeId: string, kind: 'removed' | 'added') =>
  page.getByTestId(`diff-node-${nodeId}`).locator(`mark[data-diff="${kind}"]`).allTextContents();

describe('version history in a browser', () => {
  let server: ServerProcess;
  let page: Page;
  let errors: string[];
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    session = await openBrowserSession({ width: 1600, height: 960 }, async (started) => {
      await api(started, '/api/flows/import?note=first%20draft', {
        method: 'POST',
        headers: { 'content-type': 'application/yaml' },
        body: FLOW,
      });
    });
    ({ server, page, errors } = session);
  });

  afterAll(() => closeBrowserSession(session));

  it('shows the edited word highlighted between two versions, restores the first, and replays a run', async () => {
    await page.goto(server.url);
    await page.getByTestId('open').click();
    await page.getByTestId('open-flow-bedtime').click();
    await expect.poll(() => page.getByTestId('node-ask').isVisible()).toBe(true);

    // Edit one word of the template and save version 2.
    await page.getByTestId('node-ask').click();
    const template = page.getByTestId('config-template');
    await template.fill('Once upon a time there was a brave {{ topic }}');
    await page.getByTestId('save').click();
    await page.getByTestId('save-note').fill('braver');
    await page.getByTestId('save-confirm').click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toMatch(/v2/);

    // The history lists both versions, the newest with what changed in it.
    await page.getByTestId('tab-history').click();
    await expect.poll(() => page.getByTestId('history-version-2').textContent()).toMatch(/braver/);
    expect(await page.getByTestId('history-version-2').textContent()).toMatch(/template/);
    expect(await page.getByTestId('history-version-1').textContent()).toMatch(/first draft/);

    // Pick the two versions and compare: exactly the changed word is marked on each side.
    await page.getByTestId('history-select-1').check();
    await page.getByTestId('history-select-2').check();
    await page.getByTestId('history-compare').click();
    await expect.poll(() => page.getByTestId('diff-view').isVisible()).toBe(true);
    expect((await marks(page, 'ask', 'removed')).map((text) => text.trim())).toEqual(['little']);
    expect((await marks(page, 'ask', 'added')).map((text) => text.trim())).toEqual(['brave']);
    expect(await page.locator('[data-testid^="diff-node-"]').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('diff.png') });
    await page.getByTestId('diff-close').click();
    await expect.poll(() => page.getByTestId('diff-view').count()).toBe(0);

    // Restore version 1: version 3 has its content (the same content hash), and the editor shows it.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('history-restore-1').click();
    const confirm = page.getByTestId('history-restore-confirm');
    if (await confirm.isVisible().catch(() => false)) await confirm.click();
    await expect.poll(() => page.getByTestId('history-version-3').isVisible()).toBe(true);
    const { versions } = await api<{ versions: { version: number; contentHash: string }[] }>(
      server,
      '/api/flows/bedtime/versions',
    );
    const hash = (version: number) => versions.find((entry) => entry.version === version)?.contentHash;
    expect(hash(3)).toBe(hash(1));
    await page.getByTestId('node-ask').click();
    await page.getByTestId('tab-inspect').click();
    await expect.poll(() => template.inputValue()).toContain('a little {{ topic }}');

    // Run with sampling, then replay: the same seed tells the same story.
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run-input-topic').fill('dragon');
    await page.getByTestId('run-start').click();
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('succeeded');
    const story = await page.getByTestId('run-output-story').locator('dd').textContent();
    expect(story?.trim().length).toBeGreaterThan(0);
    const seed = await page.getByTestId('run-seed').textContent();
    await page.getByTestId('run-replay').click();
    await expect.poll(() => page.getByTestId('run-seed').textContent(), { timeout: 20_000 }).toBe(seed);
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('succeeded');
    expect(await page.getByTestId('run-output-story').locator('dd').textContent()).toBe(story);
    const runs = await api<{ runs: { id: string; replayOf: string | null }[] }>(server, '/api/flows/bedtime/runs');
    expect(runs.runs.filter((run) => run.replayOf !== null)).toHaveLength(1);

    expect(errors).toEqual([]);
  });
});
