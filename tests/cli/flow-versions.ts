/**
 * Three versions of one flow for the diff and history tests, as flow files and as a real database saved through the
 * server's repository (the code the API saves with).
 *
 *   question ──▶ prompt ──▶ generate ──▶ answer
 *
 * v1 → v2: one word of the prompt's template ("two" → "one"), and generate's temperature 0 → 0.7.
 * v2 → v3: a variant "casual" added to prompt, and an output "echo" (declared, its node, an edge from question).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFlowYaml } from '@groundwork/runtime';
import { openDatabase } from '../../packages/server/src/db/connection.js';
import { FlowsRepository } from '../../packages/server/src/flows/flows.repository.js';

export interface FlowVersionText {
  yaml: string;
  note: string | undefined;
}

function askYaml(options: { words: string; temperature: number; casual?: boolean; echo?: boolean }): string {
  return [
    'schemaVersion: 1',
    'name: ask',
    'inputs:',
    '  question: { type: text }',
    'outputs:',
    '  answer: { type: text }',
    ...(options.echo ? ['  echo: { type: text }'] : []),
    'nodes:',
    '  - { id: question, type: input, config: { name: question } }',
    '  - id: prompt',
    '    type: prompt',
    '    config:',
    '      template: |',
    '        You are a helpful assistant.',
    `        Answer in ${options.words} sentences: {{ question }}`,
    '        Thank the user.',
    '    variants:',
    '      - { name: plain, config: {} }',
    '      - { name: expert, config: { template: "You are an expert. Answer: {{ question }}" } }',
    ...(options.casual ? ['      - { name: casual, config: { template: "Hey! {{ question }}" } }'] : []),
    '  - id: generate',
    '    type: llm',
    `    config: { maxTokens: 32, temperature: ${options.temperature} }`,
    '  - { id: answer, type: output, config: { name: answer } }',
    ...(options.echo ? ['  - { id: echo, type: output, config: { name: echo } }'] : []),
    'edges:',
    '  - { from: question.value, to: prompt.question }',
    '  - { from: prompt.prompt, to: generate.prompt }',
    '  - { from: generate.text, to: answer.value }',
    ...(options.echo ? ['  - { from: question.value, to: echo.value }'] : []),
    '',
  ].join('\n');
}

export const VERSIONS: readonly FlowVersionText[] = [
  { yaml: askYaml({ words: 'two', temperature: 0 }), note: 'first draft' },
  { yaml: askYaml({ words: 'one', temperature: 0.7 }), note: 'shorter answers' },
  { yaml: askYaml({ words: 'one', temperature: 0.7, casual: true, echo: true }), note: undefined },
];

/**
 * A new database file holding `ask` at versions 1, 2 and 3 (v2 labelled production, v3 staging) and a second flow,
 * `other`; the database is closed when this returns.
 */
export function storedFlows(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'groundwork-diff-db-')), 'groundwork.db');
  const db = openDatabase(path);
  try {
    const flows = new FlowsRepository(db);
    const parse = (yaml: string) => {
      const loaded = loadFlowYaml(yaml);
      if (!loaded.ok) throw new Error(loaded.problems.map((problem) => problem.message).join('; '));
      return loaded.flow;
    };
    const [first, ...rest] = VERSIONS;
    const created = flows.create(parse(first!.yaml), first!.note);
    for (const version of rest) flows.addVersion(created.flowId, parse(version.yaml), version.note);
    flows.setLabel(created.flowId, 'production', 2);
    flows.setLabel(created.flowId, 'staging', 3);
    flows.create({ ...parse(first!.yaml), name: 'other' }, undefined);
  } finally {
    db.close();
  }
  return path;
}
