/**
 * `groundwork run --seed` on the real stories260K model, sampling (temperature above 0): the seed decides the text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '@groundwork/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORIES_260K } from '../../packages/runtime/src/testing/model-fixtures.js';
import { groundwork, plainEnv, requireBuild } from './cli-process.js';

let dir: string;
let flow: string;

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'groundwork-seed-'));
  // prompt ──▶ write (llm, sampled) ──▶ story
  flow = join(dir, 'sampled.flow.yaml');
  writeFileSync(
    flow,
    [
      'schemaVersion: 1',
      'name: sampled',
      'inputs:',
      '  prompt: { type: text }',
      'outputs:',
      '  story: { type: text }',
      'nodes:',
      '  - { id: prompt, type: input, config: { name: prompt } }',
      '  - { id: write, type: llm, config: { maxTokens: 40, temperature: 1.0 } }',
      '  - { id: story, type: output, config: { name: story } }',
      'edges:',
      '  - { from: prompt.value, to: write.prompt }',
      '  - { from: write.text, to: story.value }',
      '',
    ].join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...extra: string[]) =>
  groundwork(['run', flow, '--model', STORIES_260K, '--device', 'cpu', '-i', 'prompt=Once upon a time', ...extra], {
    env: plainEnv(),
  });

/** stderr without the line that says which device the model runs on. */
const notes = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('groundwork: model '))
    .join('\n');

describe('groundwork run --seed', () => {
  it('the same seed samples the same story, another seed another; stdout is the outputs alone', async () => {
    const first = await run('--seed', '42');
    const again = await run('--seed', '42');
    const other = await run('--seed', '43');
    for (const result of [first, again, other]) {
      expect(result.code).toBe(0);
      // A given seed is not repeated back on stderr: only the model's device line is there.
      expect(notes(result.stderr)).toBe('');
    }
    const story = JSON.parse(first.stdout).story as string;
    expect(story.length).toBeGreaterThan(20);
    expect(again.stdout).toBe(first.stdout);
    expect(JSON.parse(other.stdout).story).not.toBe(story);
  });

  it('without --seed, stderr says which seed sampled, and that seed repeats the run', async () => {
    const first = await run();
    expect(first.code).toBe(0);
    const match = /^groundwork: sampled with seed (\d+) \(--seed \1 repeats this run\)$/.exec(notes(first.stderr));
    expect(match).not.toBeNull();
    const repeated = await run('--seed', match![1]!);
    expect(repeated.stdout).toBe(first.stdout);
  });

  it('with --events, the run-start event carries the seed and stderr does not repeat it', async () => {
    const result = await run('--seed', '7', '--events');
    expect(result.code).toBe(0);
    const start = JSON.parse(result.stdout.split('\n')[0]!) as RunEvent;
    expect(start).toMatchObject({ type: 'run-start', seed: 7 });
    const unseeded = await run('--events');
    expect(JSON.parse(unseeded.stdout.split('\n')[0]!)).toMatchObject({
      type: 'run-start',
      seed: expect.any(Number),
    });
    expect(notes(unseeded.stderr)).toBe('');
  });

  it('says nothing about seeds when nothing sampled (greedy)', async () => {
    const result = await groundwork(
      ['run', 'examples/story.flow.yaml', '--model', STORIES_260K, '--device', 'cpu', '-i', 'prompt=Once'],
      { env: plainEnv() },
    );
    expect(result.code).toBe(0);
    expect(notes(result.stderr)).toBe('');
  });

  it('a seed that is not a whole number from 0 to 4294967295 is a wrong command line naming --seed (exit 2)', async () => {
    for (const seed of ['-1', '4294967296', '1.5', 'abc']) {
      const result = await run('--seed', seed);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `option '--seed <n>' argument '${seed}' is invalid. expected a whole number from 0 to 4294967295`,
      );
    }
    const largest = await run('--seed', '4294967295');
    expect(largest.code).toBe(0);
  });
});
