/**
 * For the evaluation tests: the app in this process over a SQLite file in a temporary folder, with the real
 * stories260K model through the server's model host (ONNX on the CPU), a question-answering flow whose prompt node
 * has two variants, and a small dataset.
 */
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxEngine, parseDeviceRequest } from '@groundwork/runtime/models';
import { openDatabase } from '../db/connection.js';
import { onnxModelHost } from '../models/model-host.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';

export const STORIES_260K = resolve(
  fileURLToPath(new URL('../../../../../shared/models/stories260K', import.meta.url)),
);

/** A temporary folder holding a database path and a models folder with stories260K linked in. */
export function evaluationFolder(): { db: string; models: string } {
  const folder = mkdtempSync(join(tmpdir(), 'groundwork-evaluation-'));
  const models = join(folder, 'models');
  mkdirSync(models);
  symlinkSync(STORIES_260K, join(models, 'stories260K'));
  return { db: join(folder, 'groundwork.db'), models };
}

export function startEvaluationApp(folder: { db: string; models: string }): Promise<TestApp> {
  const device = parseDeviceRequest('cpu');
  const engine = new OnnxEngine({ device, searchPaths: [folder.models] });
  return startTestApp(onnxModelHost(engine, [folder.models], 'cpu'), openDatabase(folder.db));
}

//   context ─┐
//            ├─▶ ask (prompt: short | long) ─▶ write (llm, greedy, 12 tokens) ─▶ answer
//   question ┘
export const QA_FLOW = {
  schemaVersion: 1,
  name: 'qa',
  inputs: { context: { type: 'text' }, question: { type: 'text' } },
  outputs: { answer: { type: 'text' } },
  nodes: [
    { id: 'context', type: 'input', position: { x: 0, y: 0 }, config: { name: 'context' } },
    { id: 'question', type: 'input', position: { x: 0, y: 160 }, config: { name: 'question' } },
    {
      id: 'ask',
      type: 'prompt',
      position: { x: 280, y: 80 },
      config: {},
      variants: [
        { name: 'short', config: { template: '{{ context }} {{ question }}' } },
        { name: 'long', config: { template: 'Once upon a time, {{ context }} {{ question }}' } },
      ],
      defaultVariant: 'short',
    },
    { id: 'write', type: 'llm', position: { x: 560, y: 80 }, config: { maxTokens: 12, temperature: 0 } },
    { id: 'answer', type: 'output', position: { x: 840, y: 80 }, config: { name: 'answer' } },
  ],
  edges: [
    { from: 'context.value', to: 'ask.context' },
    { from: 'question.value', to: 'ask.question' },
    { from: 'ask.prompt', to: 'write.prompt' },
    { from: 'write.text', to: 'answer.value' },
  ],
};

export const QA_ROWS = [
  {
    context: 'Lily had a red ball. She played with it in the park.',
    question: 'What did Lily have?',
    reference: 'a red ball',
  },
  { context: 'Tom saw a big dog. The dog was happy.', question: 'What did Tom see?', reference: 'a big dog' },
  {
    context: 'The sun was hot. The children went to swim.',
    question: 'Where did the children go?',
    reference: 'to swim',
  },
  { context: 'Sue baked a cake for her mom.', question: 'Who baked a cake?', reference: 'Sue' },
];

export const QA_JSONL = `${QA_ROWS.map((row) => JSON.stringify(row)).join('\n')}\n`;

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies of every shape.
type Body = any;

export async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  type = 'application/json',
): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Saves the flow and uploads the dataset into a running app. */
export async function seed(url: string): Promise<void> {
  const flow = await call(url, 'POST', '/api/flows', { flow: QA_FLOW });
  if (flow.status !== 201) throw new Error(`POST /api/flows: ${flow.status} ${JSON.stringify(flow.body)}`);
  const dataset = await call(url, 'POST', '/api/datasets?name=qa-set', QA_JSONL, 'application/x-ndjson');
  if (dataset.status !== 201) throw new Error(`POST /api/datasets: ${dataset.status} ${JSON.stringify(dataset.body)}`);
}

/** Reads an evaluation's SSE stream to its end: every event, by name, with its data. */
export async function events(url: string, id: string): Promise<{ event: string; data: Body }[]> {
  const response = await fetch(`${url}/api/evaluations/${id}/events`);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.includes('event: '))
    .map((frame) => ({
      event: /event: (.*)/.exec(frame)![1]!,
      data: JSON.parse(/data: (.*)/.exec(frame)![1]!),
    }));
}
