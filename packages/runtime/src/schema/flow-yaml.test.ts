import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeFlow, node, wire } from '../testing/flow-fixtures.js';
import type { Flow } from './flow.js';
import { loadFlowYaml, saveFlowYaml } from './flow-yaml.js';
import { type FlowProblem, formatProblem } from './problems.js';

/**
 * A flow that uses every field the schema has, with values that YAML likes to reinterpret. Nested objects are
 * written in the schema's key order, the order the loader gives back.
 *
 *   question ──▶ prompt ──▶ llm ──▶ answer
 *   topics ──▶ each (map: topic ──▶ shout ──▶ loud) ──▶ shouted
 */
function richFlow(): Flow {
  return makeFlow({
    name: 'rich.flow_v2',
    description: 'Réponses en français — ünïcödé ✓, emoji 🚀, 日本語\nand a second line',
    inputs: {
      question: { type: 'text', description: 'yes' },
      topics: { type: 'list<text>', description: 'null', default: ['1.0', 'no', 'true'] },
      strict: { type: 'boolean', default: false, required: false },
      limit: { type: 'number', default: 3 },
    },
    outputs: {
      answer: { type: 'text', description: 'on' },
      shouted: { type: 'list<text>' },
    },
    nodes: [
      node('question', 'input', { name: 'question' }, { title: 'Question', position: { x: 0, y: -12.5 } }),
      node(
        'prompt',
        'prompt',
        { template: 'You answer in French.\n\nQuestion: {{ question }}\n  - keep: "quotes" and # hashes\n' },
        {
          title: 'null',
          description: '1.0',
          position: { x: 240, y: 0 },
          variants: [
            { name: 'short', config: { template: 'Q: {{ question }}' } },
            { name: 'long', description: 'true', config: { template: 'Réponds:\n{{ question }}\n\n' } },
          ],
          defaultVariant: 'long',
        },
      ),
      node(
        'llm',
        'llm',
        { model: 'yes', temperature: 0.7, maxTokens: 512, stop: ['\n\n', 'Question:', '~', '123'] },
        { position: { x: 480, y: 0 }, timeoutMs: 30_000, retry: { maxAttempts: 3, backoffMs: 250, factor: 2 } },
      ),
      node('answer', 'output', { name: 'answer' }, { position: { x: 720, y: 0 } }),
      node('topics', 'input', { name: 'topics' }),
      node('each', 'map', {
        flow: {
          inputs: { topic: { type: 'text' } },
          outputs: { loud: { type: 'text' } },
          nodes: [
            { id: 'topic', type: 'input', config: { name: 'topic' } },
            { id: 'shout', type: 'transform', config: { expression: 'topic | upper', type: 'text' } },
            { id: 'loud', type: 'output', config: { name: 'loud' } },
          ],
          edges: [
            { from: 'topic.value', to: 'shout.topic' },
            { from: 'shout.value', to: 'loud.value' },
          ],
        },
        concurrency: 4,
      }),
      node('shouted', 'output', { name: 'shouted' }),
    ],
    edges: wire(
      'question.value -> prompt.question',
      'prompt.prompt -> llm.prompt',
      'llm.text -> answer.value',
      'topics.value -> each.items',
      'each.loud -> shouted.value',
    ),
  });
}

function loaded(text: string): Flow {
  const result = loadFlowYaml(text);
  if (!result.ok) throw new Error(`the flow did not load:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.flow;
}

function problemsOf(text: string): FlowProblem[] {
  const result = loadFlowYaml(text);
  if (result.ok) throw new Error('the flow loaded, but problems were expected');
  return result.problems;
}

describe('saveFlowYaml and loadFlowYaml', () => {
  it('give back the same flow, field for field', () => {
    const flow = richFlow();
    expect(loaded(saveFlowYaml(flow))).toStrictEqual(flow);
  });

  it('write the same text again for a flow they wrote', () => {
    const text = saveFlowYaml(richFlow());
    expect(saveFlowYaml(loaded(text))).toBe(text);
  });

  it('keep strings that look like numbers, booleans or null as strings', () => {
    const flow = loaded(saveFlowYaml(richFlow()));
    expect(flow.inputs?.question?.description).toBe('yes');
    expect(flow.inputs?.topics?.default).toEqual(['1.0', 'no', 'true']);
    expect(flow.nodes[1]?.title).toBe('null');
    expect(flow.nodes[1]?.description).toBe('1.0');
    expect(flow.nodes[2]?.config?.model).toBe('yes');
    expect(flow.nodes[2]?.config?.stop).toEqual(['\n\n', 'Question:', '~', '123']);
  });

  it('write multi-line templates as literal blocks that keep their blank lines and indentation', () => {
    const text = saveFlowYaml(richFlow());
    expect(text).toContain(
      [
        '      template: |',
        '        You answer in French.',
        '',
        '        Question: {{ question }}',
        '          - keep: "quotes" and # hashes',
      ].join('\n'),
    );
    expect(loaded(text).nodes[1]?.variants?.[1]?.config.template).toBe('Réponds:\n{{ question }}\n\n');
  });

  it('write a small flow exactly as a person would, key order fixed and edges one per line', () => {
    const flow = makeFlow({
      name: 'qa',
      inputs: { question: { type: 'text' } },
      outputs: { answer: { type: 'text' } },
      nodes: [
        node('question', 'input', { name: 'question' }, { position: { x: 0, y: 0 } }),
        node('prompt', 'prompt', { template: 'Answer:\n{{ question }}' }, { position: { x: 200, y: 0 } }),
        node('llm', 'llm', { temperature: 0 }, { retry: { maxAttempts: 2, backoffMs: 500 } }),
        node('answer', 'output', { name: 'answer' }),
      ],
      edges: wire('question.value -> prompt.question', 'prompt.prompt -> llm.prompt', 'llm.text -> answer.value'),
    });
    expect(saveFlowYaml(flow)).toBe(`schemaVersion: 1
name: qa
inputs:
  question:
    type: text
outputs:
  answer:
    type: text
nodes:
  - id: question
    type: input
    position: { x: 0, y: 0 }
    config:
      name: question
  - id: prompt
    type: prompt
    position: { x: 200, y: 0 }
    config:
      template: |-
        Answer:
        {{ question }}
  - id: llm
    type: llm
    config:
      temperature: 0
    retry: { maxAttempts: 2, backoffMs: 500 }
  - id: answer
    type: output
    config:
      name: answer
edges:
  - { from: question.value, to: prompt.question }
  - { from: prompt.prompt, to: llm.prompt }
  - { from: llm.text, to: answer.value }
`);
  });

  it('order the keys of the flow and of each node, whatever order the object has', () => {
    // Built back to front, as an editor that adds fields as they are touched might.
    const scrambled = {
      edges: [{ from: 'a.value', to: 'b.value' }],
      nodes: [
        { retry: { maxAttempts: 2 }, config: { name: 'q' }, position: { x: 1, y: 2 }, type: 'input', id: 'a' },
        {
          timeoutMs: 5,
          defaultVariant: 'v',
          variants: [{ name: 'v', config: {} }],
          title: 't',
          type: 'output',
          id: 'b',
        },
      ],
      outputs: { r: { type: 'text' } },
      inputs: { q: { type: 'text' } },
      description: 'd',
      name: 'scrambled',
      schemaVersion: 1,
    } as Flow;
    const text = saveFlowYaml(scrambled);
    const topLevelKeys = text.split('\n').flatMap((line) => /^([A-Za-z]+):/.exec(line)?.[1] ?? []);
    expect(topLevelKeys).toEqual(['schemaVersion', 'name', 'description', 'inputs', 'outputs', 'nodes', 'edges']);
    const nodesSection = text.slice(text.indexOf('\nnodes:'), text.indexOf('\nedges:'));
    const nodeKeys = nodesSection.split('\n').flatMap((line) => /^ {2}(?:- | {2})([A-Za-z]+):/.exec(line)?.[1] ?? []);
    expect(nodeKeys).toEqual([
      'id',
      'type',
      'position',
      'config',
      'retry',
      'id',
      'type',
      'title',
      'variants',
      'defaultVariant',
      'timeoutMs',
    ]);
    expect(loaded(text)).toEqual(scrambled);
  });

  it('leave out what a flow does not have', () => {
    const text = saveFlowYaml(makeFlow({ name: 'bare', nodes: [] }));
    expect(text).toBe('schemaVersion: 1\nname: bare\nnodes: []\n');
    expect(loaded(text)).toStrictEqual({ schemaVersion: 1, name: 'bare', nodes: [] });
  });

  it('read a hand-written flow in any YAML style and write it back in the house style', () => {
    const handWritten = `
# A comment, flow-style maps and a folded block: all read; the saved file is in the fixed style.
schemaVersion: 1
name: smoke
inputs: { question: { type: text } }
outputs:
  answer: { type: text }
nodes:
  - { id: q, type: input, config: { name: question } }
  - id: p
    type: prompt
    config:
      template: >-
        Answer
        {{ question }}
  - { id: out, type: output, config: { name: answer } }
edges: [{ from: q.value, to: p.question }, { from: p.prompt, to: out.value }]
`;
    const flow = loaded(handWritten);
    expect(flow.nodes[1]?.config?.template).toBe('Answer {{ question }}');
    const saved = saveFlowYaml(flow);
    expect(saved).toContain('  - { from: q.value, to: p.question }\n  - { from: p.prompt, to: out.value }\n');
    expect(saved).not.toContain('#');
    expect(loaded(saved)).toStrictEqual(flow);
  });
});

describe('loadFlowYaml problems', () => {
  it('reports a YAML syntax error with its line and column', () => {
    expect(problemsOf('schemaVersion: 1\nname: x\nnodes:\n  - { id: a, type: input\n')).toEqual([
      {
        code: 'yaml-syntax',
        path: [],
        message: 'line 5, column 1: Flow map in block collection must be sufficiently indented and end with a }',
      },
    ]);
    const [first] = problemsOf('schemaVersion: 1\nname: x\nnodes: [\n  foo: : bar\n');
    expect(first?.message).toBe('line 4, column 8: Unexpected : in flow sequence');
  });

  it('refuses tabs used as indentation', () => {
    expect(problemsOf('schemaVersion: 1\nname: x\nnodes:\n\t- id: a\n')).toEqual([
      { code: 'yaml-syntax', path: [], message: 'line 4, column 1: Tabs are not allowed as indentation' },
    ]);
  });

  it('treats a duplicate key as an error, at the top and inside a node', () => {
    expect(problemsOf('schemaVersion: 1\nname: first\nname: second\nnodes: []\n')).toEqual([
      { code: 'yaml-syntax', path: [], message: 'line 3, column 1: Map keys must be unique' },
    ]);
    expect(problemsOf('schemaVersion: 1\nname: x\nnodes:\n  - id: a\n    type: input\n    id: b\n')).toEqual([
      { code: 'yaml-syntax', path: [], message: 'line 6, column 5: Map keys must be unique' },
    ]);
  });

  it('refuses a file with more than one YAML document', () => {
    const problems = problemsOf('schemaVersion: 1\nname: x\nnodes: []\n---\nname: y\n');
    expect(problems[0]).toMatchObject({ code: 'yaml-syntax' });
    expect(problems[0]?.message).toMatch(/multiple documents/);
  });

  it('names an unknown field inside a node, with the node id', () => {
    const problems = problemsOf(
      'schemaVersion: 1\nname: x\nnodes:\n  - id: ask\n    type: llm\n    tempreature: 0.5\n',
    );
    expect(problems).toEqual([
      { code: 'schema', path: ['nodes', 0], nodeId: 'ask', message: 'unknown field "tempreature"' },
    ]);
    expect(formatProblem(problems[0]!)).toBe('node "ask" (nodes[0]): unknown field "tempreature"');
  });

  it('names an unknown top-level field', () => {
    expect(problemsOf('schemaVersion: 1\nname: x\nnodes: []\nnodez: []\n')).toEqual([
      { code: 'schema', path: [], message: 'unknown field "nodez"' },
    ]);
  });

  it('names every unknown field of one object together', () => {
    const problems = problemsOf(
      'schemaVersion: 1\nname: x\nnodes:\n  - { id: a, type: input, colour: red, size: 2 }\n',
    );
    expect(problems).toEqual([
      { code: 'schema', path: ['nodes', 0], nodeId: 'a', message: 'unknown fields "colour", "size"' },
    ]);
  });

  it('names the path and the node of a value of the wrong type', () => {
    const problems = problemsOf(
      'schemaVersion: 1\nname: x\nnodes:\n  - { id: a, type: input }\n  - { id: b, type: output, position: { x: "10", y: 0 } }\n',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'schema', path: ['nodes', 1, 'position', 'x'], nodeId: 'b' });
    expect(formatProblem(problems[0]!)).toMatch(/^node "b" \(nodes\[1\]\.position\.x\): .*expected number/);
  });

  it('says which required field is missing', () => {
    const problems = problemsOf('schemaVersion: 1\nnodes:\n  - { id: a, type: output, position: { x: 1 } }\n');
    expect(problems.map(formatProblem)).toEqual([
      'name: is required (string)',
      'node "a" (nodes[0].position.y): is required (number)',
    ]);
  });

  it('reports every shape problem of the file at once', () => {
    const problems = problemsOf(`schemaVersion: 1
name: "has spaces"
inputs:
  q: { type: strng }
nodes:
  - { id: 1st, type: input }
  - { id: ok, type: llm, timeoutMs: 1.5, retry: { maxAttempts: 0 } }
edges:
  - { from: nodot, to: ok.prompt }
`);
    expect(problems.map((problem) => [problem.path.join('.'), problem.nodeId])).toEqual([
      ['name', undefined],
      ['inputs.q.type', undefined],
      ['nodes.0.id', '1st'],
      ['nodes.1.timeoutMs', 'ok'],
      ['nodes.1.retry.maxAttempts', 'ok'],
      ['edges.0.from', undefined],
    ]);
    expect(problems.every((problem) => problem.code === 'schema')).toBe(true);
    expect(problems[1]?.message).toMatch(/^unknown port type "strng" in "strng"/);
    expect(problems[5]?.message).toBe('must be written node.port, e.g. prompt.text');
  });

  it('asks for schemaVersion when it is missing', () => {
    expect(problemsOf('name: x\nnodes: []\n')).toEqual([
      {
        code: 'unsupported-version',
        path: ['schemaVersion'],
        message: 'schemaVersion is missing; this Groundwork writes schemaVersion: 1',
      },
    ]);
  });

  it('refuses a newer schemaVersion and says to upgrade', () => {
    expect(problemsOf('schemaVersion: 2\nname: x\nnodes: []\n')).toEqual([
      {
        code: 'unsupported-version',
        path: ['schemaVersion'],
        message: 'schemaVersion 2 is newer than this Groundwork understands (1); upgrade Groundwork to open this flow',
      },
    ]);
  });

  it('refuses a schemaVersion written as text', () => {
    expect(problemsOf('schemaVersion: "1"\nname: x\nnodes: []\n')[0]?.message).toBe(
      'schemaVersion must be a whole number from 1, got "1"',
    );
  });

  it('refuses a file that is not a mapping', () => {
    for (const text of ['', '- a\n- b\n', 'just words\n']) {
      expect(problemsOf(text)).toEqual([
        { code: 'schema', path: [], message: 'a flow must be a mapping with schemaVersion, name and nodes' },
      ]);
    }
  });

  it('expands anchors and aliases', () => {
    const flow = loaded(
      'schemaVersion: 1\nname: x\nnodes:\n  - { id: a, type: llm, config: &params { temperature: 0.2, maxTokens: 64 } }\n  - { id: b, type: llm, config: *params }\n',
    );
    expect(flow.nodes[1]?.config).toEqual({ temperature: 0.2, maxTokens: 64 });
  });
});

describe('saveFlowYaml canonical form and exact strings', () => {
  /** input ──▶ out, with declarations written in a scrambled key order */
  const scrambled = (): Flow =>
    ({
      edges: [{ to: 'out.value', from: 'q.value' }],
      nodes: [
        {
          config: { name: 'q' },
          type: 'input',
          id: 'q',
          retry: { backoffMs: 5, maxAttempts: 2 },
          position: { y: 2, x: 1 },
        },
        { type: 'output', id: 'out', config: { name: 'a' } },
      ],
      outputs: { a: { description: 'the answer', type: 'text' } },
      inputs: { q: { required: false, default: 'no', description: 'ask', type: 'text' } },
      name: 'scrambled',
      schemaVersion: 1,
    }) as Flow;

  it('writes every known mapping in the same key order whatever order it came in', () => {
    const text = saveFlowYaml(scrambled());
    expect(text).toBe(
      [
        'schemaVersion: 1',
        'name: scrambled',
        'inputs:',
        '  q:',
        '    type: text',
        '    description: ask',
        '    default: "no"',
        '    required: false',
        'outputs:',
        '  a:',
        '    type: text',
        '    description: the answer',
        'nodes:',
        '  - id: q',
        '    type: input',
        '    position: { x: 1, y: 2 }',
        '    config:',
        '      name: q',
        '    retry: { maxAttempts: 2, backoffMs: 5 }',
        '  - id: out',
        '    type: output',
        '    config:',
        '      name: a',
        'edges:',
        '  - { from: q.value, to: out.value }',
        '',
      ].join('\n'),
    );
    const loaded = loadFlowYaml(text);
    expect(loaded.ok && saveFlowYaml(loaded.flow)).toBe(text);
  });

  it('keeps strings exactly, blank-only lines, tabs and YAML 1.1 booleans included', () => {
    const strings = [
      ' \n',
      '\n \n',
      'a\n  \nb',
      '\tindented\n',
      'x\t\ny',
      'yes',
      'Off',
      'ON',
      '  lead\nx',
      'trail  \nx',
      '',
    ];
    const flow = makeFlow({
      description: 'd',
      nodes: strings.map((text, i) => node(`n${i}`, 'input', { name: text })),
    });
    const text = saveFlowYaml(flow);
    const loaded = loadFlowYaml(text);
    expect(loaded.ok && loaded.flow).toEqual(flow);
    expect(text).toContain('name: "yes"');
    expect(text).toContain('name: "Off"');
  });

  it('round-trips any text in a template', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 40 }), (template, title) => {
        const flow = makeFlow({ nodes: [node('p', 'prompt', { template }, { title })] });
        const loaded = loadFlowYaml(saveFlowYaml(flow));
        expect(loaded.ok && loaded.flow).toEqual(flow);
      }),
      { numRuns: 300 },
    );
  });
});

describe('loadFlowYaml alias problems', () => {
  it('reports an alias to no anchor instead of throwing', () => {
    const loaded = loadFlowYaml('schemaVersion: 1\nname: x\nnodes: *nope\n');
    expect(loaded).toEqual({
      ok: false,
      problems: [{ code: 'yaml-syntax', path: [], message: expect.stringContaining('Unresolved alias') }],
    });
  });

  it('reports too many alias expansions instead of throwing', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const loaded = loadFlowYaml(bomb);
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.problems[0]).toMatchObject({
      code: 'yaml-syntax',
      message: expect.stringContaining('alias'),
    });
  });

  it('names the bad input name and why', () => {
    const loaded = loadFlowYaml('schemaVersion: 1\nname: x\ninputs:\n  9lives: { type: text }\nnodes: []\n');
    expect(!loaded.ok && loaded.problems).toEqual([
      {
        code: 'schema',
        path: ['inputs', '9lives'],
        message: 'the name "9lives" must start with a letter or _ and contain only letters, digits, _ and -',
      },
    ]);
  });
});
