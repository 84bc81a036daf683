import { readFileSync } from 'node:fs';
import { defaultRegistry, type Flow, loadFlowYaml } from '@groundwork/runtime';
import { makeFlow, node, questionAnswerFlow, wire } from '@groundwork/runtime/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { HttpError } from '../http/http-error.js';
import { FlowsRepository } from './flows.repository.js';
import {
  flowDetailResponseSchema,
  importFlowResponseSchema,
  saveFlowResponseSchema,
  versionListResponseSchema,
} from './flows.schemas.js';
import { FlowsService } from './flows.service.js';

const EXAMPLES = new URL('../../../../examples/', import.meta.url);
const exampleText = (file: string) => readFileSync(new URL(file, EXAMPLES), 'utf8');

let db: Database;
let repository: FlowsRepository;
let service: FlowsService;

beforeEach(() => {
  db = openDatabase(':memory:');
  repository = new FlowsRepository(db);
  service = new FlowsService({ flows: repository, registry: defaultRegistry() });
});
afterEach(() => db.close());

/** Runs `call`, which must throw an HttpError, and returns it. */
function failure(call: () => unknown): HttpError {
  try {
    call();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected an HttpError, but the call succeeded');
}

/** question → prompt → llm → answer, renamed and with a changed template so each save differs. */
function qa(name = 'question-answer', template = 'Answer briefly: {{ question }}'): Flow {
  const flow = questionAnswerFlow();
  flow.name = name;
  flow.nodes[1]!.config = { template };
  return flow;
}

describe('saving flows', () => {
  it('creates version 1 with its hash and no problems for a valid flow', () => {
    const saved = saveFlowResponseSchema.parse(service.create(qa(), 'first'));
    expect(saved.flow).toMatchObject({ name: 'question-answer', latestVersion: 1, labels: {} });
    expect(saved.version).toMatchObject({ version: 1, note: 'first', flowId: saved.flow.id, labels: [] });
    expect(saved.version.flow).toEqual(qa());
    expect(saved.problems).toEqual([]);
    expect(saved.unchanged).toBe(false);
    expect(service.list().map((flow) => flow.name)).toEqual(['question-answer']);
  });

  it('saves a flow with graph problems and returns them, naming the node', () => {
    //   question.value ──> prompt.question    (the llm node is left unconnected)
    const broken = makeFlow({
      name: 'work-in-progress',
      inputs: { question: { type: 'text' } },
      nodes: [node('question', 'input', { name: 'question' }), node('prompt', 'prompt', { template: 42 })],
      edges: wire('question.value -> prompt.question', 'prompt.prompt -> missing.prompt'),
    });
    const saved = service.create(broken, undefined);
    expect(saved.problems.map((problem) => problem.code).sort()).toEqual(['dangling-edge', 'invalid-config']);
    expect(saved.problems.find((problem) => problem.code === 'invalid-config')).toMatchObject({
      nodeId: 'prompt',
      path: ['nodes', 1, 'config', 'template'],
      text: expect.stringContaining('node "prompt" (nodes[1].config.template)'),
    });
    const stored = flowDetailResponseSchema.parse(service.get('work-in-progress'));
    expect(stored.version.flow).toEqual(broken);
    expect(stored.problems).toEqual(saved.problems);
  });

  it('refuses a document that is not a flow with a 400 naming each path, and stores nothing', () => {
    const document = {
      ...qa(),
      nodes: [...qa().nodes.slice(0, 2), { id: 'llm', type: 'llm', position: { x: 'left', y: 0 }, tempreature: 1 }],
    };
    const error = failure(() => service.create(document, undefined));
    expect(error.code).toBe('invalid-request');
    expect(error.details.issues).toEqual(
      expect.arrayContaining([
        { path: 'body.flow.nodes[2].position.x', message: expect.stringContaining('expected number') },
        { path: 'body.flow.nodes[2]', message: 'unknown field "tempreature"' },
      ]),
    );
    expect(service.list()).toEqual([]);
  });

  it('refuses a document newer than this build understands at body.flow.schemaVersion', () => {
    const error = failure(() => service.create({ ...qa(), schemaVersion: 99 }, undefined));
    expect(error.details.issues).toEqual([
      { path: 'body.flow.schemaVersion', message: expect.stringContaining('upgrade Groundwork') },
    ]);
  });

  it('answers a taken name with a conflict naming it', () => {
    service.create(qa('taken'), undefined);
    const error = failure(() => service.create(qa('taken', 'Other: {{ question }}'), undefined));
    expect(error.status).toBe(409);
    expect(error.message).toBe('another flow is already named "taken"');
    expect(error.details.issues).toEqual([{ path: 'body.flow.name', message: error.message }]);
    expect(service.list()).toHaveLength(1);
    expect(service.get('taken').version.flow).toEqual(qa('taken'));
  });
});

describe('updating flows', () => {
  it('saves the next version, by id or by name', () => {
    const created = service.create(qa(), undefined);
    const second = service.update(created.flow.id, qa(undefined, 'v2 {{ question }}'), { note: 'shorter' });
    expect(second).toMatchObject({ unchanged: false, flow: { latestVersion: 2 }, version: { version: 2 } });
    const third = service.update('question-answer', qa(undefined, 'v3 {{ question }}'), { baseVersion: 2 });
    expect(third.version.version).toBe(3);
    expect(third.version.contentHash).not.toBe(second.version.contentHash);
  });

  it('returns the latest version unchanged when the content is equal, whatever its key order', () => {
    const created = service.create(qa(), undefined);
    const reverse = (object: object) => Object.fromEntries(Object.entries(object).reverse());
    const reordered = reverse({ ...qa(), nodes: qa().nodes.map(reverse) });
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(qa())[0]);
    const result = service.update('question-answer', reordered, { note: 'no change' });
    expect(result.unchanged).toBe(true);
    expect(result.version).toMatchObject({ version: 1, note: null, contentHash: created.version.contentHash });
    expect(repository.versions(created.flow.id)).toHaveLength(1);
  });

  it('refuses a save based on an older version and keeps the latest', () => {
    service.create(qa(), undefined);
    service.update('question-answer', qa(undefined, 'v2 {{ question }}'), {});
    const stale = failure(() =>
      service.update('question-answer', qa(undefined, 'mine {{ question }}'), { baseVersion: 1 }),
    );
    expect(stale).toMatchObject({ status: 409, code: 'conflict' });
    expect(stale.message).toBe(
      'version 2 of flow "question-answer" was saved since version 1; reload it and save again',
    );
    expect(stale.details).toMatchObject({ latestVersion: 2 });
    const ahead = failure(() =>
      service.update('question-answer', qa(undefined, 'x {{ question }}'), { baseVersion: 5 }),
    );
    expect(ahead.message).toContain('has no version 5 yet (the latest is 2)');
    const latest = service.get('question-answer');
    expect(latest.version.version).toBe(2);
    expect(latest.version.flow.nodes[1]!.config).toEqual({ template: 'v2 {{ question }}' });
  });

  it('renames a flow through its document, unless the name is taken', () => {
    service.create(qa('first'), undefined);
    service.create(qa('second'), undefined);
    const renamed = service.update('first', qa('renamed'), {});
    expect(renamed.flow).toMatchObject({ name: 'renamed', latestVersion: 2 });
    expect(failure(() => service.get('first')).status).toBe(404);
    const clash = failure(() => service.update('renamed', qa('second', 'x {{ question }}'), {}));
    expect(clash).toMatchObject({ status: 409, message: 'another flow is already named "second"' });
    expect(service.get('renamed').flow.latestVersion).toBe(2);
  });

  it('names an unknown flow', () => {
    expect(failure(() => service.update('nope', qa(), {}))).toMatchObject({
      status: 404,
      message: 'flow "nope" was not found',
    });
  });
});

describe('versions and labels', () => {
  beforeEach(() => {
    service.create(qa(), 'one');
    service.update('question-answer', qa(undefined, 'v2 {{ question }}'), { note: 'two' });
    service.update('question-answer', qa(undefined, 'v3 {{ question }}'), { note: 'three' });
  });

  it('lists versions newest first with the labels pointing at each', () => {
    service.setLabel('question-answer', 'production', 2);
    service.setLabel('question-answer', 'staging', 2);
    const { versions } = versionListResponseSchema.parse(service.versions('question-answer'));
    expect(versions.map((version) => [version.version, version.note, version.labels])).toEqual([
      [3, 'three', []],
      [2, 'two', ['production', 'staging']],
      [1, 'one', []],
    ]);
  });

  it('gets one version with its document, or names the missing one', () => {
    expect(service.version('question-answer', 1).flow).toEqual(qa());
    expect(failure(() => service.version('question-answer', 9))).toMatchObject({
      status: 404,
      message: 'flow "question-answer" has no version 9 (the latest is 3)',
    });
  });

  it('sets and moves labels, refusing a version that does not exist', () => {
    expect(service.setLabel('question-answer', 'production', 1)).toEqual({
      label: 'production',
      version: 1,
      labels: { production: 1 },
    });
    expect(service.setLabel('question-answer', 'production', 3).labels).toEqual({ production: 3 });
    const missing = failure(() => service.setLabel('question-answer', 'production', 4));
    expect(missing).toMatchObject({ status: 400, code: 'invalid-request' });
    expect(missing.details.issues).toEqual([
      { path: 'body.version', message: 'flow "question-answer" has no version 4 (the latest is 3)' },
    ]);
    expect(service.labels('question-answer')).toEqual({ production: 3 });
  });

  it('deletes a label, and names one that is not there', () => {
    service.setLabel('question-answer', 'staging', 2);
    service.deleteLabel('question-answer', 'staging');
    expect(service.labels('question-answer')).toEqual({});
    expect(failure(() => service.deleteLabel('question-answer', 'staging'))).toMatchObject({
      status: 404,
      message: 'label "staging" of flow "question-answer" was not found',
    });
  });
});

describe('import and export', () => {
  it('imports a flow file as a new flow, then as its next version, then as unchanged', () => {
    const text = exampleText('support-triage.flow.yaml');
    const created = importFlowResponseSchema.parse(service.importYaml(text, 'imported'));
    expect(created).toMatchObject({ created: true, unchanged: false, problems: [], version: { version: 1 } });
    const again = service.importYaml(text, undefined);
    expect(again).toMatchObject({ created: false, unchanged: true, version: { version: 1 } });
    const edited = text.replace('Our billing team replies', 'Billing replies');
    const next = service.importYaml(edited, 'edited');
    expect(next).toMatchObject({ created: false, unchanged: false, version: { version: 2, note: 'edited' } });
    expect(next.flow.id).toBe(created.flow.id);
  });

  it('reports YAML syntax errors with their line and column', () => {
    const error = failure(() => service.importYaml('schemaVersion: 1\nname: x\nnodes: [\n  - a: b: c\n', undefined));
    expect(error.message).toMatch(/^the body is not valid YAML: body: line \d+, column \d+: /);
    expect(error.details.issues).toContainEqual({
      path: 'body',
      message: expect.stringMatching(/^line 4, column \d+: /),
    });
    expect(service.list()).toEqual([]);
  });

  it('reports a YAML document that is not a flow at its path', () => {
    const error = failure(() =>
      service.importYaml('schemaVersion: 1\nname: x\nnodes:\n  - id: 1a\n    type: input\n', undefined),
    );
    expect(error.details.issues).toEqual([
      { path: 'body.nodes[0].id', message: expect.stringContaining('must start') },
    ]);
  });

  it.each(['story', 'support-triage', 'parallel-review', 'batch-summaries'])(
    'exports %s as YAML that loads back as the saved document',
    (name) => {
      const saved = service.importYaml(exampleText(`${name}.flow.yaml`), undefined);
      const exported = service.exportYaml(name, undefined);
      expect(exported.fileName).toBe(`${name}.flow.yaml`);
      const loaded = loadFlowYaml(exported.yaml);
      expect(loaded).toEqual({ ok: true, flow: saved.version.flow });
    },
  );

  it('exports the version asked for', () => {
    service.create(qa(), undefined);
    service.update('question-answer', qa(undefined, 'v2 {{ question }}'), {});
    expect(service.exportYaml('question-answer', 1).yaml).toContain('Answer briefly');
    expect(service.exportYaml('question-answer', undefined).yaml).toContain('v2 {{ question }}');
    expect(failure(() => service.exportYaml('question-answer', 3)).status).toBe(404);
  });
});

describe('stored sub-flow references', () => {
  it('resolve by stored flow name', () => {
    const counting = makeFlow({
      name: 'counts',
      inputs: { items: { type: 'list<text>' } },
      outputs: { words: { type: 'list<number>' } },
      nodes: [
        node('items', 'input', { name: 'items' }),
        node('count', 'map', { flow: { ref: 'word-count' } }),
        node('words', 'output', { name: 'words' }),
      ],
      edges: wire('items.value -> count.items', 'count.words -> words.value'),
    });
    expect(service.create(counting, undefined).problems.map((problem) => problem.code)).toEqual([
      'unknown-flow-reference',
    ]);
    service.importYaml(exampleText('lib/word-count.flow.yaml'), undefined);
    expect(service.get('counts').problems).toEqual([]);
  });
});

describe('deleting flows', () => {
  function insertRun(flowId: string, status: string): void {
    db.prepare(
      "INSERT INTO runs (id, flow_id, flow_version, status, source, inputs, variants, created_at) VALUES (?, ?, 1, ?, 'api', '{}', '{}', '2026-01-01T00:00:00.000Z')",
    ).run(`run_${status}`, flowId, status);
  }
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('deletes the flow with its versions, labels and finished runs', () => {
    const { flow } = service.create(qa(), undefined);
    service.setLabel(flow.id, 'production', 1);
    insertRun(flow.id, 'succeeded');
    service.delete('question-answer');
    expect(service.list()).toEqual([]);
    expect([count('flow_versions'), count('flow_labels'), count('runs')]).toEqual([0, 0, 0]);
    expect(failure(() => service.delete('question-answer')).status).toBe(404);
  });

  it('refuses while a run of the flow is in progress', () => {
    const { flow } = service.create(qa(), undefined);
    insertRun(flow.id, 'running');
    expect(failure(() => service.delete(flow.id))).toMatchObject({
      status: 409,
      message: 'flow "question-answer" has 1 run in progress; cancel it or wait, then delete the flow',
    });
    expect(count('flow_versions')).toBe(1);
  });
});
