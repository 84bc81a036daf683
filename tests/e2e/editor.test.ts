/**
 * The editor in a real browser (Debian's Chromium through playwright-core) against a real server process with
 * stories260K: build a flow by dragging nodes from the palette and connecting their handles, write the template,
 * save, run it and watch the nodes finish, reload and find the flow again, and see a bad connection refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, STORIES_260K } from '../http/server-process.js';
import { type BrowserSession, closeBrowserSession, openBrowserSession, screenshotPath } from './browser.js';

const golden = JSON.parse(readFileSync(join(STORIES_260K, 'golden.json'), 'utf8')) as {
  prompt: string;
  greedy_text_pieces_joined: string;
}[];
/** The first golden continuation; the flow generates up to 48 tokens greedily, exactly the golden ones. */
const STORY = golden[0]!.greedy_text_pieces_joined;

const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);
const handle = (page: Page, nodeId: string, port: string, side: 'source' | 'target') =>
  page.locator(`.react-flow__node[data-id="${nodeId}"] .react-flow__handle.${side}[data-handleid="${port}"]`);

/** Drags from one handle to another with the mouse, as a person connects ports. */
async function connect(page: Page, from: Locator, to: Locator): Promise<void> {
  const start = await from.boundingBox();
  const end = await to.boundingBox();
  if (!start || !end) throw new Error('a handle is not on screen');
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 5 });
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** A node's box once it has stopped moving (the view animates when it fits). */
async function settledBox(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = await locator.boundingBox();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const box = await locator.boundingBox();
    if (!box) throw new Error('the node is not on screen');
    if (last && box.x === last.x && box.y === last.y && box.width === last.width) return box;
    last = box;
  }
}

/** Drags a palette item onto the canvas at a point relative to the canvas; the new node lands under that point. */
async function drop(page: Page, type: string, x: number, y: number): Promise<void> {
  const canvas = page.getByTestId('canvas');
  await page.getByTestId(`palette-${type}`).dragTo(canvas, { targetPosition: { x, y } });
  const at = (await canvas.boundingBox())!;
  const box = await settledBox(node(page, type));
  expect(box.x).toBeLessThanOrEqual(at.x + x);
  expect(box.x + box.width).toBeGreaterThanOrEqual(at.x + x);
  expect(box.y).toBeLessThanOrEqual(at.y + y);
  expect(box.y + box.height).toBeGreaterThanOrEqual(at.y + y);
}

describe('the editor in a browser', () => {
  let server: ServerProcess;
  let page: Page;
  let errors: string[];
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    session = await openBrowserSession({ width: 1600, height: 960 });
    ({ server, page, errors } = session);
  });

  afterAll(() => closeBrowserSession(session));

  it('builds, saves and runs a flow on stories260K, then finds it again after a reload', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('canvas-empty').isVisible()).toBe(true);

    // Four nodes from the palette, in two columns: input and prompt, then llm and output.
    await drop(page, 'input', 150, 150);
    await drop(page, 'prompt', 150, 450);
    await drop(page, 'llm', 550, 150);
    await drop(page, 'output', 550, 450);
    for (const id of ['input', 'prompt', 'llm', 'output'])
      await expect.poll(() => node(page, id).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('canvas-empty').isVisible()).toBe(false);

    // The template decides the prompt's inputs: `{{ input }}` gives it an `input` port to connect.
    await node(page, 'prompt').click();
    await page.getByTestId('config-template').fill('{{ input }}');
    await expect.poll(() => page.getByTestId('template-variable-input').textContent()).toMatch(/not connected/);
    expect(await node(page, 'prompt').getAttribute('data-problems')).toBe('1');
    await node(page, 'llm').click();
    await page.getByTestId('config-maxTokens').fill('48');

    const wires = [
      ['input', 'value', 'prompt', 'input'],
      ['prompt', 'prompt', 'llm', 'prompt'],
      ['llm', 'text', 'output', 'value'],
    ] as const;
    for (const [i, [from, out, to, into]] of wires.entries()) {
      await connect(page, handle(page, from, out, 'source'), handle(page, to, into, 'target'));
      await expect
        .poll(() => page.locator('.react-flow__edge').count(), { message: `${from}.${out} -> ${to}.${into}` })
        .toBe(i + 1);
    }
    for (const id of ['input', 'prompt', 'llm', 'output'])
      expect(await node(page, id).getAttribute('data-problems')).toBeNull();

    // Auto-layout lines the nodes up left to right along the edges, and the view fits them.
    await page.getByTestId('auto-layout').click();
    const order = ['input', 'prompt', 'llm', 'output'];
    await expect
      .poll(async () => {
        const boxes = await Promise.all(order.map((id) => settledBox(node(page, id))));
        return boxes.every((box, i) => i === 0 || box.x > boxes[i - 1]!.x + boxes[i - 1]!.width);
      })
      .toBe(true);
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    for (const id of order) {
      const box = await settledBox(node(page, id));
      expect(box.x).toBeGreaterThanOrEqual(canvas.x);
      expect(box.x + box.width).toBeLessThanOrEqual(canvas.x + canvas.width);
    }

    // A second edge into an input is refused, with the reason.
    await connect(page, handle(page, 'input', 'value', 'source'), handle(page, 'llm', 'prompt', 'target'));
    await expect
      .poll(() => page.getByTestId('connection-refused').textContent())
      .toMatch(/llm\.prompt already takes prompt\.prompt/);
    expect(await page.locator('.react-flow__edge').count()).toBe(3);
    await page.getByTestId('connection-refused').getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('connection-refused').count()).toBe(0);

    // Name it and save: version 1.
    await page.getByTestId('toolbar-flow-name').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('bedtime-story');
    await page.keyboard.press('Enter');
    await page.getByTestId('save').click();
    await page.getByTestId('save-note').fill('first draft');
    await page.getByTestId('save-confirm').click();
    await expect.poll(() => page.getByTestId('save-status').textContent()).toMatch(/v1/);

    // Run it: every node turns done, the llm streams, the output is the golden continuation.
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run-input-input').fill(golden[0]!.prompt);
    await page.getByTestId('run-start').click();
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('succeeded');
    for (const id of ['input', 'prompt', 'llm', 'output'])
      expect(await node(page, id).getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId('node-text-llm').textContent()).toContain(STORY.slice(-40));
    expect((await page.getByTestId('run-output-output').locator('dd').textContent())?.trim()).toBe(STORY);
    await page.screenshot({ path: screenshotPath('editor.png') });

    // Clicking a node shows what it took and gave in the run.
    await node(page, 'llm').click();
    await page.getByTestId('tab-inspect').click();
    expect(await page.getByTestId('node-run-inputs').textContent()).toContain(golden[0]!.prompt);
    expect(await page.getByTestId('node-run-outputs').textContent()).toContain(JSON.stringify(STORY).slice(1, 40));

    // Reload: the flow is on the server, and opens with its four nodes and three edges.
    await page.reload();
    await page.getByTestId('open').click();
    await page.getByTestId('open-flow-bedtime-story').click();
    for (const id of ['input', 'prompt', 'llm', 'output'])
      await expect.poll(() => node(page, id).isVisible()).toBe(true);
    expect(await page.locator('.react-flow__edge').count()).toBe(3);
    expect(await page.getByTestId('toolbar-flow-name').textContent()).toContain('bedtime-story');

    // The run is in the history: opening it shows it on the canvas again.
    await page.getByTestId('tab-run').click();
    await page.getByTestId('run-history-item').first().click();
    await expect.poll(() => node(page, 'llm').getAttribute('data-status')).toBe('done');

    expect(errors).toEqual([]);
  });
});
