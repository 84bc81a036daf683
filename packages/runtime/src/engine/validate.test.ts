import { describe, expect, it } from 'vitest';
import type { FlowDefinition } from '../schema/flow.js';
import { saveFlowYaml } from '../schema/flow-yaml.js';
import { type FlowProblem, formatProblem } from '../schema/problems.js';
import {
  codesOf,
  collectNode,
  inputNode,
  llmNode,
  makeFlow,
  makeInlineFlow,
  mergeNode,
  node,
  outputNode,
  promptNode,
  questionAnswerFlow,
  transformNode,
  wire,
} from '../testing/flow-fixtures.js';
import { validateFlow, validateFlowYaml } from './validate.js';

/** The one problem with `code`; fails when there is none or more than one. */
function only(problems: readonly FlowProblem[], code: FlowProblem['code']): FlowProblem {
  const found = problems.filter((problem) => problem.code === code);
  expect(found.map(formatProblem), `problems with code ${code}`).toHaveLength(1);
  return found[0]!;
}

/** The question-answer flow with one change made to a copy. */
function questionAnswer(change: (flow: ReturnType<typeof questionAnswerFlow>) => void) {
  const flow = questionAnswerFlow();
  change(flow);
  return flow;
}

describe('validateFlow', () => {
  //   question ──▶ prompt ──▶ llm ──▶ answer
  it('finds nothing wrong with a complete flow', () => {
    expect(validateFlow(questionAnswerFlow()).map(formatProblem)).toEqual([]);
  });

  //   (nothing)
  it('finds nothing wrong with an empty flow', () => {
    expect(validateFlow(makeFlow({ nodes: [] }))).toEqual([]);
  });

  describe('unknown-node-type', () => {
    //   question ──▶ prompt ──▶ lml? ──▶ answer
    it('names the type, suggests the closest known one and lists them all', () => {
      const problems = validateFlow(questionAnswer((flow) => (flow.nodes[2]!.type = 'lml')));
      const problem = only(problems, 'unknown-node-type');
      expect(problem).toMatchObject({ path: ['nodes', 2, 'type'], nodeId: 'llm' });
      expect(problem.message).toBe(
        'unknown node type "lml" (did you mean "llm"?); known types: input, output, prompt, llm, condition, switch, merge, collect, map, transform, retrieve, groundedness, subflow',
      );
    });

    //   banana
    it('suggests nothing when no known type is close', () => {
      const problem = only(validateFlow(makeFlow({ nodes: [node('fruit', 'banana')] })), 'unknown-node-type');
      expect(problem.message).toMatch(/^unknown node type "banana"; known types: input, /);
    });
  });

  describe('duplicate-id', () => {
    //   question ──▶ prompt ──▶ llm ──▶ answer
    //   (a second node is also called "prompt")
    it('reports the second node with the id, at its id', () => {
      const problems = validateFlow(questionAnswer((flow) => flow.nodes.push(transformNode('prompt', '1'))));
      expect(problems).toEqual([
        {
          code: 'duplicate-id',
          path: ['nodes', 4, 'id'],
          nodeId: 'prompt',
          message: 'id "prompt" is used by more than one node',
        },
      ]);
    });
  });

  describe('invalid-config', () => {
    //   question ──▶ prompt ──▶ llm ──▶ answer      (prompt template "{{ question " is not closed)
    it('reports a template syntax error at nodes[i].config.template, with its place in the template', () => {
      const problems = validateFlow(
        questionAnswer((flow) => (flow.nodes[1]!.config = { template: 'Answer: {{ question ' })),
      );
      const problem = only(problems, 'invalid-config');
      expect(problem).toMatchObject({ path: ['nodes', 1, 'config', 'template'], nodeId: 'prompt' });
      expect(problem.message).toBe('Unexpected end of template: "{{" at line 1, column 9 is never closed');
    });

    //   question ──▶ prompt (chat: user, system "{% for %}") ──▶ llm ──▶ answer
    it('points at the one message template of a chat prompt that does not parse', () => {
      const problems = validateFlow(
        questionAnswer((flow) => {
          flow.nodes[1]!.config = {
            messages: [
              { role: 'user', template: 'Q: {{ question }}' },
              { role: 'system', template: '{% for %}' },
            ],
          };
        }),
      );
      expect(only(problems, 'invalid-config')).toMatchObject({
        path: ['nodes', 1, 'config', 'messages', 1, 'template'],
        nodeId: 'prompt',
      });
    });

    //   question ──▶ prompt ("{{ question | uppper }}") ──▶ llm ──▶ answer
    it('names an unknown filter and suggests the right one', () => {
      const problems = validateFlow(
        questionAnswer((flow) => (flow.nodes[1]!.config = { template: '{{ question | uppper }}' })),
      );
      expect(only(problems, 'invalid-config').message).toBe(
        'unknown filter "uppper" (did you mean "upper"?) at line 1, column 15',
      );
    });

    //   question ──▶ prompt ──▶ llm{tempreature} ──▶ answer
    it('names an unknown config field', () => {
      const problems = validateFlow(questionAnswer((flow) => (flow.nodes[2]!.config = { tempreature: 0.5 })));
      expect(only(problems, 'invalid-config')).toEqual({
        code: 'invalid-config',
        path: ['nodes', 2, 'config'],
        nodeId: 'llm',
        message: 'unknown field "tempreature"',
      });
    });

    //   question ──▶ prompt ──▶ llm{temperature: "hot", stop: ["a", 3]} ──▶ answer
    it('points at each config value of the wrong type, inside lists too', () => {
      const problems = validateFlow(
        questionAnswer((flow) => (flow.nodes[2]!.config = { temperature: 'hot', stop: ['a', 3] })),
      );
      const found = problems.filter((problem) => problem.code === 'invalid-config');
      expect(found.map((problem) => [problem.path, problem.nodeId])).toEqual([
        [['nodes', 2, 'config', 'temperature'], 'llm'],
        [['nodes', 2, 'config', 'stop', 1], 'llm'],
      ]);
      expect(found[0]?.message).toMatch(/expected number, received string/);
    });

    //   t (transform, type "strng")      c (condition without an expression)
    it('reports a bad port type and a missing field of a config', () => {
      const flow = makeFlow({ nodes: [transformNode('t', '1', 'strng'), node('c', 'condition', {})] });
      expect(validateFlow(flow).map(formatProblem)).toEqual([
        'node "t" (nodes[0].config.type): unknown port type "strng" in "strng"; expected one of text, number, boolean, json, messages, passages, any, list<T> or A | B',
        'node "c" (nodes[1].config.expression): is required (string)',
      ]);
    });

    //   question ──▶ prompt ──▶ llm{greedy, hot: temperature "hot"} ──▶ answer
    it('reports an invalid variant config at nodes[i].variants[j].config', () => {
      const problems = validateFlow(
        questionAnswer((flow) => {
          flow.nodes[2]!.variants = [
            { name: 'greedy', config: {} },
            { name: 'hot', config: { temperature: 'hot' } },
          ];
        }),
      );
      expect(only(problems, 'invalid-config')).toMatchObject({
        path: ['nodes', 2, 'variants', 1, 'config', 'temperature'],
        nodeId: 'llm',
      });
    });

    //   question ──▶ prompt{a, b: "x {{"} ──▶ llm ──▶ answer
    it('reports a template error of one variant at that variant', () => {
      const problems = validateFlow(
        questionAnswer((flow) => {
          flow.nodes[1]!.variants = [
            { name: 'a', config: {} },
            { name: 'b', config: { template: 'x {{ ' } },
          ];
        }),
      );
      expect(only(problems, 'invalid-config')).toMatchObject({
        path: ['nodes', 1, 'variants', 1, 'config', 'template'],
        nodeId: 'prompt',
      });
    });

    //   question ──▶ prompt ──▶ llm{temperature "hot"; variants a, b} ──▶ answer
    it('reports a bad base config once, at the config, not once per variant', () => {
      const problems = validateFlow(
        questionAnswer((flow) => {
          flow.nodes[2]!.config = { temperature: 'hot' };
          flow.nodes[2]!.variants = [
            { name: 'a', config: {} },
            { name: 'b', config: { seed: 1 } },
          ];
        }),
      );
      expect(only(problems, 'invalid-config').path).toEqual(['nodes', 2, 'config', 'temperature']);
    });

    //   numbers ──▶ each (map: items go to sub-flow input "z", which does not exist)
    it('points into the config when a node check fails', () => {
      const flow = makeFlow({
        inputs: { numbers: { type: 'list<number>' } },
        nodes: [
          inputNode('numbers', 'numbers'),
          node('each', 'map', {
            flow: makeInlineFlow({ inputs: { x: { type: 'number' } }, nodes: [inputNode('x', 'x')] }),
            item: 'z',
          }),
        ],
        edges: wire('numbers.value -> each.items'),
      });
      expect(validateFlow(flow)).toEqual([
        {
          code: 'invalid-config',
          path: ['nodes', 1, 'config', 'item'],
          nodeId: 'each',
          message: 'the sub-flow has no input "z" (inputs: x)',
        },
      ]);
    });

    //   numbers ──▶ each (map over a sub-flow without inputs)
    it('refuses a map whose sub-flow has no input for the items', () => {
      const flow = makeFlow({
        inputs: { numbers: { type: 'list<number>' } },
        nodes: [inputNode('numbers', 'numbers'), node('each', 'map', { flow: makeInlineFlow({ nodes: [] }) })],
        edges: wire('numbers.value -> each.items'),
      });
      const problem = only(validateFlow(flow), 'invalid-config');
      expect(problem).toMatchObject({ path: ['nodes', 1, 'config', 'flow'], nodeId: 'each' });
      expect(problem.message).toBe('the sub-flow has no inputs to receive the items');
    });
  });

  describe('invalid-variant', () => {
    //   numbers ──▶ double (a transform, with variants)
    it('refuses variants on a node type that has none', () => {
      const flow = makeFlow({
        inputs: { n: { type: 'number' } },
        nodes: [inputNode('n', 'n'), transformNode('double', 'n * 2', 'number')],
        edges: wire('n.value -> double.n'),
      });
      flow.nodes[1]!.variants = [{ name: 'triple', config: { expression: 'n * 3' } }];
      expect(validateFlow(flow)).toEqual([
        {
          code: 'invalid-variant',
          path: ['nodes', 1, 'variants'],
          nodeId: 'double',
          message: expect.stringMatching(/transform nodes do not take variants \(prompt and llm nodes do\)$/),
        },
      ]);
    });

    //   question ──▶ prompt{a, a} ──▶ llm ──▶ answer
    it('names a variant name used twice, at the second one', () => {
      const problems = validateFlow(
        questionAnswer((flow) => {
          flow.nodes[1]!.variants = [
            { name: 'a', config: {} },
            { name: 'b', config: {} },
            { name: 'a', config: { template: 'Again: {{ question }}' } },
          ];
        }),
      );
      const problem = only(problems, 'invalid-variant');
      expect(problem).toMatchObject({ path: ['nodes', 1, 'variants', 2, 'name'], nodeId: 'prompt' });
      expect(problem.message).toBe('variant name "a" is used twice');
    });

    //   question ──▶ prompt{a, b; default c} ──▶ llm ──▶ answer
    it('names a default variant that is not among the variants, and lists them', () => {
      const problems = validateFlow(
        questionAnswer((flow) => {
          flow.nodes[1]!.variants = [
            { name: 'a', config: {} },
            { name: 'b', config: {} },
          ];
          flow.nodes[1]!.defaultVariant = 'c';
        }),
      );
      const problem = only(problems, 'invalid-variant');
      expect(problem).toMatchObject({ path: ['nodes', 1, 'defaultVariant'], nodeId: 'prompt' });
      expect(problem.message).toBe('default variant "c" is not one of the node\'s variants (a, b)');
    });

    //   question ──▶ prompt{default c, no variants} ──▶ llm ──▶ answer
    it('refuses a default variant on a node without variants', () => {
      const problem = only(
        validateFlow(questionAnswer((flow) => (flow.nodes[1]!.defaultVariant = 'c'))),
        'invalid-variant',
      );
      expect(problem).toMatchObject({ path: ['nodes', 1, 'defaultVariant'], nodeId: 'prompt' });
      expect(problem.message).toBe('defaultVariant is "c" but the node has no variants');
    });

    //   question ──▶ prompt{} ──▶ llm ──▶ answer
    it('refuses an empty list of variants', () => {
      const problem = only(validateFlow(questionAnswer((flow) => (flow.nodes[1]!.variants = []))), 'invalid-variant');
      expect(problem).toMatchObject({ path: ['nodes', 1, 'variants'], nodeId: 'prompt' });
      expect(problem.message).toMatch(/^variants is empty/);
    });

    //   question ──▶ prompt{plain: text, chat: messages} ──▶ llm ──▶ answer
    it('refuses variants that change the node outputs, naming both', () => {
      const problems = validateFlow(
        questionAnswer((flow) => {
          flow.nodes[1]!.variants = [
            { name: 'plain', config: {} },
            { name: 'chat', config: { template: undefined, messages: [{ role: 'user', template: '{{ question }}' }] } },
          ];
        }),
      );
      const problem = only(problems, 'invalid-variant');
      expect(problem).toMatchObject({ path: ['nodes', 1, 'variants', 1], nodeId: 'prompt' });
      expect(problem.message).toBe(
        'variant "chat" gives outputs (prompt: messages) but the default variant "plain" gives (prompt: text); all variants of a node must have the same outputs',
      );
    });

    //   question ──▶ prompt{short, long} ──▶ llm{greedy, warm} ──▶ answer
    it('accepts valid variants, the default named or not', () => {
      const flow = questionAnswer((flow) => {
        flow.nodes[1]!.variants = [
          { name: 'short', config: { template: 'Q: {{ question }}' } },
          { name: 'long', config: {} },
        ];
        flow.nodes[2]!.variants = [
          { name: 'greedy', config: {} },
          { name: 'warm', config: { temperature: 0.8, seed: 7 } },
        ];
        flow.nodes[2]!.defaultVariant = 'warm';
      });
      expect(validateFlow(flow).map(formatProblem)).toEqual([]);
    });
  });

  describe('dangling-edge', () => {
    //   question ──▶ prompt ──▶ llm ──▶ answer
    //   questin? ──▶ answr?
    it('names a node that does not exist at each end, with a suggestion', () => {
      const problems = validateFlow(
        questionAnswer((flow) => flow.edges!.push({ from: 'questin.value', to: 'answr.value' })),
      );
      const edge = { from: 'questin.value', to: 'answr.value' };
      expect(problems).toEqual([
        {
          code: 'dangling-edge',
          edge,
          path: ['edges', 3, 'from'],
          message: 'from: there is no node "questin" (did you mean "question"?)',
        },
        {
          code: 'dangling-edge',
          edge,
          path: ['edges', 3, 'to'],
          message: 'to: there is no node "answr" (did you mean "answer"?)',
        },
      ]);
    });

    //   question ──▶ prompt.promt? ──▶ llm ──▶ answer
    it('names a port the node does not have, with the ports it has', () => {
      const problems = validateFlow(
        questionAnswer((flow) => (flow.edges![1] = { from: 'prompt.promt', to: 'llm.prompt' })),
      );
      const problem = only(problems, 'dangling-edge');
      expect(problem).toMatchObject({ path: ['edges', 1, 'from'], edge: { from: 'prompt.promt', to: 'llm.prompt' } });
      expect(problem.message).toBe(
        'node "prompt" (prompt) has no output "promt" (did you mean "prompt"?) (outputs: prompt)',
      );
    });

    //   question ──▶ prompt ──▶ llm.input? ──▶ answer
    it('names an input port the node does not have', () => {
      const problem = only(
        validateFlow(questionAnswer((flow) => (flow.edges![1] = { from: 'prompt.prompt', to: 'llm.input' }))),
        'dangling-edge',
      );
      expect(problem).toMatchObject({ path: ['edges', 1, 'to'] });
      expect(problem.message).toBe('node "llm" (llm) has no input "input" (inputs: prompt)');
    });

    //   question ──▶ prompt ──▶ llm ──▶ answer
    //                  └─(from its input "question")──▶ llm
    it('explains that an edge cannot start at an input port', () => {
      const problem = only(
        validateFlow(questionAnswer((flow) => (flow.edges![1] = { from: 'prompt.question', to: 'llm.prompt' }))),
        'dangling-edge',
      );
      expect(problem).toMatchObject({
        path: ['edges', 1, 'from'],
        edge: { from: 'prompt.question', to: 'llm.prompt' },
      });
      expect(problem.message).toBe(
        '"question" is an input of node "prompt"; an edge starts at an output (outputs: prompt)',
      );
    });

    //   question ──▶ prompt ──▶ (question's output "value")
    it('explains that an edge cannot end at an output port', () => {
      const problem = only(
        validateFlow(questionAnswer((flow) => (flow.edges![1] = { from: 'prompt.prompt', to: 'question.value' }))),
        'dangling-edge',
      );
      expect(problem).toMatchObject({ path: ['edges', 1, 'to'] });
      expect(problem.message).toBe('"value" is an output of node "question"; an edge ends at an input (inputs: none)');
    });
  });

  describe('duplicate-edge', () => {
    //   question ──▶ prompt ──▶ llm ──▶ answer
    //      └──────────────────▶ llm   (a second edge into llm.prompt)
    it('refuses a second edge into one input and names the first', () => {
      const problems = validateFlow(
        questionAnswer((flow) => flow.edges!.push({ from: 'question.value', to: 'llm.prompt' })),
      );
      expect(problems).toEqual([
        {
          code: 'duplicate-edge',
          edge: { from: 'question.value', to: 'llm.prompt' },
          path: ['edges', 3, 'to'],
          message:
            'input llm.prompt already has an edge from prompt.prompt; an input takes one edge (join branches with a merge or collect node)',
        },
      ]);
    });
  });

  describe('cycle', () => {
    //   a ──▶ b ──▶ c
    //   ▲           │
    //   └───────────┘
    it('walks the cycle in its message and points at the edge that closes it', () => {
      const flow = makeFlow({
        nodes: [transformNode('a', 'z'), transformNode('b', 'x'), transformNode('c', 'y')],
        edges: wire('a.value -> b.x', 'b.value -> c.y', 'c.value -> a.z'),
      });
      expect(validateFlow(flow)).toEqual([
        {
          code: 'cycle',
          path: ['edges', 2],
          nodeId: 'a',
          edge: { from: 'c.value', to: 'a.z' },
          message: 'cycle a -> b -> c -> a: a node cannot depend on its own output; remove one of these edges',
        },
      ]);
    });

    //   question ──▶ prompt ──▶ llm ──▶ answer
    //                  ▲          │
    //                  └──────────┘   (llm.text also feeds prompt.history)
    it('finds a cycle inside a larger flow, whatever the node order', () => {
      const flow = questionAnswer((flow) => {
        flow.nodes[1] = promptNode('prompt', '{{ history }}\nQ: {{ question }}');
        flow.edges!.push({ from: 'llm.text', to: 'prompt.history' });
        flow.nodes.reverse();
      });
      const problem = only(validateFlow(flow), 'cycle');
      expect(problem.message).toMatch(/^cycle (prompt -> llm -> prompt|llm -> prompt -> llm):/);
      expect(problem.edge).toBeDefined();
    });

    //   a ──┐
    //   ▲   │
    //   └───┘
    it('reports a node that feeds itself', () => {
      const flow = makeFlow({ nodes: [transformNode('a', 'x + 1', 'number')], edges: wire('a.value -> a.x') });
      const problem = only(validateFlow(flow), 'cycle');
      expect(problem).toMatchObject({ nodeId: 'a', path: ['edges', 0], edge: { from: 'a.value', to: 'a.x' } });
      expect(problem.message).toMatch(/^cycle a -> a:/);
    });

    //   a ──▶ b      c ──▶ d
    //   ▲     │      ▲     │
    //   └─────┘      └─────┘
    it('reports each separate cycle once', () => {
      const flow = makeFlow({
        nodes: ['a', 'b', 'c', 'd'].map((id) => transformNode(id, 'x')),
        edges: wire('a.value -> b.x', 'b.value -> a.x', 'c.value -> d.x', 'd.value -> c.x'),
      });
      const problems = validateFlow(flow);
      expect(codesOf(problems)).toEqual(['cycle', 'cycle']);
      expect(problems.map((problem) => problem.message.split(':')[0])).toEqual([
        'cycle a -> b -> a',
        'cycle c -> d -> c',
      ]);
      expect(problems.map((problem) => problem.nodeId)).toEqual(['a', 'c']);
    });
  });

  describe('missing-input', () => {
    //   question ──▶ prompt ──▶ llm ──▶ answer
    //   (nothing) ──▶ prompt.context
    it('names a template variable that no edge feeds', () => {
      const problems = validateFlow(
        questionAnswer(
          (flow) => (flow.nodes[1] = promptNode('prompt', 'Context: {{ context }}\nQuestion: {{ question }}')),
        ),
      );
      expect(problems).toEqual([
        {
          code: 'missing-input',
          path: ['nodes', 1],
          nodeId: 'prompt',
          message: 'input "context" ({{ context }} in the template) is required but has no edge',
        },
      ]);
    });

    //   (nothing) ──▶ llm ──▶ answer
    it('names a required input of a model node', () => {
      const problems = validateFlow(questionAnswer((flow) => flow.edges!.splice(1, 1)));
      expect(only(problems, 'missing-input')).toMatchObject({
        nodeId: 'llm',
        message: 'input "prompt" is required but has no edge',
      });
    });

    //   merge (nothing connected)
    it('asks a merge for at least one connected input', () => {
      expect(validateFlow(makeFlow({ nodes: [mergeNode('m')] }))).toEqual([
        {
          code: 'missing-input',
          path: ['nodes', 0],
          nodeId: 'm',
          message: 'a merge node needs at least one connected input',
        },
      ]);
    });
  });

  describe('type-mismatch', () => {
    //   titles (transform: list<text>) ──▶ llm.prompt (text | messages) ──▶ answer
    it('refuses a list into an llm prompt, naming both ports and types', () => {
      const flow = questionAnswer((flow) => {
        flow.nodes[1] = transformNode('titles', '["a", "b"]', 'list<text>');
        flow.edges = wire('titles.value -> llm.prompt', 'llm.text -> answer.value');
        flow.nodes.splice(0, 1);
        delete flow.inputs;
      });
      expect(validateFlow(flow)).toEqual([
        {
          code: 'type-mismatch',
          edge: { from: 'titles.value', to: 'llm.prompt' },
          path: ['edges', 0],
          message: 'titles.value gives list<text> but llm.prompt takes text | messages',
        },
      ]);
    });

    //   count (transform: number) ──▶ llm.prompt (text | messages)
    it('accepts a number into an llm prompt, as number → text is a documented conversion', () => {
      const flow = makeFlow({
        nodes: [transformNode('count', '42', 'number'), llmNode('llm')],
        edges: wire('count.value -> llm.prompt'),
      });
      expect(validateFlow(flow)).toEqual([]);
    });

    //   question ──▶ both.a ─┐
    //   shout ─────▶ both.b ─┴▶ (collect: list<text>) ──▶ answer (text)
    it('checks an inferred type: a collect of texts gives list<text>, which a text output refuses', () => {
      const flow = makeFlow({
        inputs: { question: { type: 'text' } },
        outputs: { answer: { type: 'text' } },
        nodes: [
          inputNode('question', 'question'),
          transformNode('shout', 'question | upper', 'text'),
          collectNode('both'),
          outputNode('answer', 'answer'),
        ],
        edges: wire(
          'question.value -> shout.question',
          'question.value -> both.a',
          'shout.value -> both.b',
          'both.list -> answer.value',
        ),
      });
      const problem = only(validateFlow(flow), 'type-mismatch');
      expect(problem).toMatchObject({ path: ['edges', 3], edge: { from: 'both.list', to: 'answer.value' } });
      expect(problem.message).toBe('both.list gives list<text> but answer.value takes text');
    });

    //   flag (boolean) ──▶ check.value ─true──▶ answer (number)
    it('follows a value through a condition to its branches', () => {
      const flow = makeFlow({
        inputs: { flag: { type: 'boolean' } },
        outputs: { answer: { type: 'number' } },
        nodes: [
          inputNode('flag', 'flag'),
          node('check', 'condition', { expression: 'value' }),
          outputNode('answer', 'answer'),
        ],
        edges: wire('flag.value -> check.value', 'check.true -> answer.value'),
      });
      expect(only(validateFlow(flow), 'type-mismatch').message).toBe(
        'check.true gives boolean but answer.value takes number',
      );
    });
  });

  describe('flow inputs and outputs', () => {
    //   questoin? ──▶ prompt ──▶ llm ──▶ answer
    it('names an input node that reads an undeclared flow input, and lists the declared ones', () => {
      const problems = validateFlow(questionAnswer((flow) => (flow.nodes[0] = inputNode('question', 'questoin'))));
      const problem = only(problems, 'unknown-flow-input');
      expect(problem).toMatchObject({ path: ['nodes', 0, 'config', 'name'], nodeId: 'question' });
      expect(problem.message).toBe('flow input "questoin" is not declared under inputs (declared: question)');
    });

    //   question ──▶ prompt ──▶ llm ──▶ anser?
    it('names an output node that sets an undeclared flow output', () => {
      const problems = validateFlow(questionAnswer((flow) => (flow.nodes[3] = outputNode('answer', 'anser'))));
      const problem = only(problems, 'unknown-flow-output');
      expect(problem).toMatchObject({ path: ['nodes', 3, 'config', 'name'], nodeId: 'answer' });
      expect(problem.message).toBe('flow output "anser" is not declared under outputs (declared: answer)');
      // The declared output is now set by nobody: reported too.
      expect(only(problems, 'missing-flow-output').path).toEqual(['outputs', 'answer']);
    });

    //   question ──▶ prompt ──▶ llm ──▶ answer        (outputs also declare "sources")
    it('names a declared output that no output node sets', () => {
      const problems = validateFlow(questionAnswer((flow) => (flow.outputs!.sources = { type: 'passages' })));
      expect(problems).toEqual([
        {
          code: 'missing-flow-output',
          path: ['outputs', 'sources'],
          message: 'output "sources" is declared but no output node sets it',
        },
      ]);
    });

    //   question ──▶ prompt ──▶ llm ──┬──▶ answer
    //                                 └──▶ answer2 (also sets "answer")
    it('names the second output node that sets the same output, and the first', () => {
      const problems = validateFlow(
        questionAnswer((flow) => {
          flow.nodes.push(outputNode('answer2', 'answer'));
          flow.edges!.push({ from: 'llm.text', to: 'answer2.value' });
        }),
      );
      expect(problems).toEqual([
        {
          code: 'duplicate-flow-output',
          path: ['nodes', 4],
          nodeId: 'answer2',
          message:
            'output "answer" is already set by node "answer"; join the branches with a merge node and use one output node',
        },
      ]);
    });
  });

  describe('sub-flows', () => {
    const summarize = makeFlow({
      name: 'summarize',
      inputs: { text: { type: 'text' } },
      outputs: { summary: { type: 'text' } },
      nodes: [
        inputNode('text', 'text'),
        promptNode('ask', 'Summarize: {{ text }}'),
        llmNode('llm'),
        outputNode('summary', 'summary'),
      ],
      edges: wire('text.value -> ask.text', 'ask.prompt -> llm.prompt', 'llm.text -> summary.value'),
    });

    //   documents ──▶ each (map: ref summarize) ──▶ summaries
    const mapOverReference = (ref: string) =>
      makeFlow({
        inputs: { documents: { type: 'list<text>' } },
        outputs: { summaries: { type: 'list<text>' } },
        nodes: [
          inputNode('documents', 'documents'),
          node('each', 'map', { flow: { ref } }),
          outputNode('summaries', 'summaries'),
        ],
        edges: wire('documents.value -> each.items', 'each.summary -> summaries.value'),
      });

    it('reports a reference that nothing resolves, at the reference', () => {
      const problem = only(validateFlow(mapOverReference('summarize')), 'unknown-flow-reference');
      expect(problem).toMatchObject({ path: ['nodes', 1, 'config', 'flow', 'ref'], nodeId: 'each' });
      expect(problem.message).toBe('cannot find flow "summarize"');
    });

    it('checks a resolved reference, types included, and finds nothing wrong', () => {
      const resolveReference = (ref: string) => (ref === 'summarize' ? summarize : undefined);
      expect(validateFlow(mapOverReference('summarize'), { resolveReference }).map(formatProblem)).toEqual([]);
      expect(
        only(validateFlow(mapOverReference('summarise'), { resolveReference }), 'unknown-flow-reference').message,
      ).toBe('cannot find flow "summarise"');
    });

    //   flow a: x ──▶ callB (subflow: ref b) ──▶ y
    //   flow b: x ──▶ callA (subflow: ref a) ──▶ y
    it('refuses flows that run each other', () => {
      const flowA = makeFlow({
        name: 'a',
        inputs: { x: { type: 'text' } },
        outputs: { y: { type: 'text' } },
        nodes: [inputNode('x', 'x'), node('callB', 'subflow', { flow: { ref: 'b' } }), outputNode('y', 'y')],
        edges: wire('x.value -> callB.x', 'callB.y -> y.value'),
      });
      const flowB = makeFlow({
        name: 'b',
        inputs: { x: { type: 'text' } },
        outputs: { y: { type: 'text' } },
        nodes: [inputNode('x', 'x'), node('callA', 'subflow', { flow: { ref: 'a' } }), outputNode('y', 'y')],
        edges: wire('x.value -> callA.x', 'callA.y -> y.value'),
      });
      const flows: Record<string, FlowDefinition> = { a: flowA, b: flowB };
      const problems = validateFlow(flowA, { resolveReference: (ref) => flows[ref] });
      const problem = only(problems, 'recursive-flow');
      expect(problem).toMatchObject({ nodeId: 'callB', path: ['nodes', 1, 'config', 'flow', 'ref'] });
      expect(problem.message).toBe(
        'in flow "b": node "callA" (nodes[1].config.flow): flow "a" runs itself through this node; flows cannot recurse',
      );
    });

    //   flow loop: x ──▶ again (subflow: ref loop)
    it('refuses a flow that runs itself', () => {
      const loop = makeFlow({
        name: 'loop',
        inputs: { x: { type: 'text' } },
        nodes: [inputNode('x', 'x'), node('again', 'subflow', { flow: { ref: 'loop' } })],
        edges: wire('x.value -> again.x'),
      });
      expect(validateFlow(loop, { resolveReference: () => loop })).toEqual([
        {
          code: 'recursive-flow',
          path: ['nodes', 1, 'config', 'flow'],
          nodeId: 'again',
          message: 'flow "loop" runs itself through this node; flows cannot recurse',
        },
      ]);
    });

    //   numbers ──▶ each ──▶ doubled
    //   each = map over: x ──▶ double ──▶ y.valu?
    it('reports problems inside an inline sub-flow on the outer node, at a path into its config', () => {
      const inner = makeInlineFlow({
        inputs: { x: { type: 'number' } },
        outputs: { y: { type: 'number' } },
        nodes: [inputNode('x', 'x'), transformNode('double', 'x * 2', 'number'), node('y', 'output', { name: 'y' })],
        edges: wire('x.value -> double.x', 'double.value -> y.valu'),
      });
      const flow = makeFlow({
        inputs: { numbers: { type: 'list<number>' } },
        outputs: { doubled: { type: 'list<number>' } },
        nodes: [
          inputNode('numbers', 'numbers'),
          node('each', 'map', { flow: inner }),
          outputNode('doubled', 'doubled'),
        ],
        edges: wire('numbers.value -> each.items', 'each.y -> doubled.value'),
      });
      const problems = validateFlow(flow);
      expect(problems.map((problem) => [problem.code, problem.nodeId, problem.path])).toEqual([
        ['dangling-edge', 'each', ['nodes', 1, 'config', 'flow', 'edges', 1, 'to']],
        ['missing-input', 'each', ['nodes', 1, 'config', 'flow', 'nodes', 2]],
      ]);
      expect(problems[0]?.message).toBe(
        'in the inline flow: edge double.value -> y.valu (edges[1].to): node "y" (output) has no input "valu" (did you mean "value"?) (inputs: value)',
      );
      expect(formatProblem(problems[1]!)).toBe(
        'node "each" (nodes[1].config.flow.nodes[2]): in the inline flow: node "y" (nodes[2]): input "value" is required but has no edge',
      );
    });

    //   words ──▶ each ──▶ (map over: w ──▶ t: transfrom?)
    it('reports an unknown node type inside an inline sub-flow', () => {
      const flow = makeFlow({
        inputs: { words: { type: 'list<text>' } },
        nodes: [
          inputNode('words', 'words'),
          node('each', 'map', {
            flow: makeInlineFlow({
              inputs: { w: { type: 'text' } },
              nodes: [inputNode('w', 'w'), node('t', 'transfrom', { expression: 'w' })],
              edges: wire('w.value -> t.w'),
            }),
          }),
        ],
        edges: wire('words.value -> each.items'),
      });
      const problem = only(validateFlow(flow), 'unknown-node-type');
      expect(problem).toMatchObject({ nodeId: 'each', path: ['nodes', 1, 'config', 'flow', 'nodes', 1, 'type'] });
      expect(problem.message).toMatch(
        /^in the inline flow: node "t" \(nodes\[1\]\.type\): unknown node type "transfrom" \(did you mean "transform"\?\)/,
      );
    });

    //   words ──▶ outer (map over: ts ──▶ inner (map over: bad: nope?))
    it('reports a problem two inline sub-flows deep with the whole path', () => {
      const deepest = makeInlineFlow({ inputs: { t: { type: 'text' } }, nodes: [node('bad', 'nope')] });
      const middle = makeInlineFlow({
        inputs: { ts: { type: 'list<text>' } },
        nodes: [inputNode('ts', 'ts'), node('inner', 'map', { flow: deepest })],
        edges: wire('ts.value -> inner.items'),
      });
      const flow = makeFlow({
        inputs: { words: { type: 'list<list<text>>' } },
        nodes: [inputNode('words', 'words'), node('outer', 'map', { flow: middle })],
        edges: wire('words.value -> outer.items'),
      });
      const problem = only(validateFlow(flow), 'unknown-node-type');
      expect(problem).toMatchObject({
        nodeId: 'outer',
        path: ['nodes', 1, 'config', 'flow', 'nodes', 1, 'config', 'flow', 'nodes', 0, 'type'],
      });
      expect(problem.message).toMatch(
        /^in the inline flow: node "inner" .*in the inline flow: node "bad" \(nodes\[0\]\.type\): unknown node type "nope"/,
      );
    });

    //   question (text) ──▶ scale.amount (number)
    //                       scale.factor (number, required) ◀── (nothing)
    //                       scale.unit (text = "kg")        ◀── (nothing, has a default)
    it("gives a subflow node its sub-flow's inputs as typed ports, required unless they have a default", () => {
      const scale = makeInlineFlow({
        inputs: { amount: { type: 'number' }, factor: { type: 'number' }, unit: { type: 'text', default: 'kg' } },
        outputs: { result: { type: 'number' } },
        nodes: [inputNode('amount', 'amount'), outputNode('result', 'result')],
        edges: wire('amount.value -> result.value'),
      });
      const flow = makeFlow({
        inputs: { question: { type: 'text' } },
        nodes: [inputNode('question', 'question'), node('scale', 'subflow', { flow: scale })],
        edges: wire('question.value -> scale.amount'),
      });
      expect(validateFlow(flow).map(formatProblem)).toEqual([
        'node "scale" (nodes[1]): input "factor" is required but has no edge',
        'edge question.value -> scale.amount (edges[0]): question.value gives text but scale.amount takes number',
      ]);
    });

    //   documents ──▶ each (map: ref broken) ──▶ summaries
    //   broken: text ──▶ ask ──▶ llm ──▶ summary, with a missing {{ style }} edge
    it('reports problems inside a referenced flow at the reference', () => {
      const broken = {
        ...summarize,
        nodes: summarize.nodes.map((n) => (n.id === 'ask' ? promptNode('ask', '{{ style }} {{ text }}') : n)),
      };
      const problems = validateFlow(mapOverReference('broken'), { resolveReference: () => broken });
      const problem = only(problems, 'missing-input');
      expect(problem).toMatchObject({ nodeId: 'each', path: ['nodes', 1, 'config', 'flow', 'ref'] });
      expect(problem.message).toBe(
        'in flow "broken": node "ask" (nodes[1]): input "style" ({{ style }} in the template) is required but has no edge',
      );
    });
  });

  //   question ──▶ prompt ──▶ lml? ──▶ answer
  //   ghost? ────▶ prompt.question            (and question ──▶ prompt.question a second time)
  //   a ──▶ b ──▶ a                           (cycle)
  //   a ──▶ answer2 (sets the undeclared "answr"; "extra" is declared and set by nobody)
  //   upper (transform with variants)   bad (prompt "{{ oops")   count (number) ──▶ sources (passages)
  //   prompt (a second node with that id)
  it('reports every problem of a flow with many defects at once', () => {
    const flow = questionAnswer((flow) => {
      flow.nodes[2]!.type = 'lml';
      flow.outputs!.extra = { type: 'text' };
      flow.outputs!.sources = { type: 'passages' };
      flow.nodes.push(
        transformNode('a', 'x'),
        transformNode('b', 'x'),
        outputNode('answer2', 'answr'),
        node('upper', 'transform', { expression: '"HI"' }, { variants: [{ name: 'loud', config: {} }] }),
        promptNode('bad', '{{ oops'),
        transformNode('count', '3', 'number'),
        outputNode('sources', 'sources'),
        transformNode('prompt', '"again"'),
      );
      flow.edges!.push(
        ...wire(
          'ghost.value -> prompt.question',
          'question.value -> prompt.question',
          'a.value -> b.x',
          'b.value -> a.x',
          'a.value -> answer2.value',
          'count.value -> sources.value',
        ),
      );
    });
    const problems = validateFlow(flow);
    // Every defect is reported; some also cause follow-on problems, which this test leaves open.
    expect(codesOf(problems)).toEqual(
      expect.arrayContaining([
        'cycle',
        'dangling-edge',
        'duplicate-edge',
        'duplicate-id',
        'invalid-config',
        'invalid-variant',
        'missing-flow-output',
        'type-mismatch',
        'unknown-flow-output',
        'unknown-node-type',
      ]),
    );
    expect(only(problems, 'unknown-node-type').nodeId).toBe('llm');
    expect(only(problems, 'duplicate-id').path).toEqual(['nodes', 11, 'id']);
    expect(only(problems, 'dangling-edge').message).toBe('from: there is no node "ghost"');
    expect(only(problems, 'duplicate-edge').path).toEqual(['edges', 4, 'to']);
    expect(only(problems, 'cycle').message).toMatch(/^cycle a -> b -> a:/);
    expect(only(problems, 'unknown-flow-output').nodeId).toBe('answer2');
    expect(only(problems, 'missing-flow-output').path).toEqual(['outputs', 'extra']);
    expect(only(problems, 'invalid-variant').nodeId).toBe('upper');
    expect(only(problems, 'invalid-config')).toMatchObject({ nodeId: 'bad', path: ['nodes', 8, 'config', 'template'] });
    expect(only(problems, 'type-mismatch').message).toBe('count.value gives number but sources.value takes passages');
  });
});

describe('validateFlowYaml', () => {
  it('returns the loading problems of a file that does not load', () => {
    expect(validateFlowYaml('schemaVersion: 1\nname: x\nnodes: []\nnodez: []\n')).toEqual([
      { code: 'schema', path: [], message: 'unknown field "nodez"' },
    ]);
    expect(validateFlowYaml('schemaVersion: 1\nname: [\n')[0]?.code).toBe('yaml-syntax');
  });

  //   question ──▶ prompt ──▶ llm      answer (no edge)
  it('returns the graph problems of a file that loads', () => {
    const flow = questionAnswer((flow) => flow.edges!.splice(2, 1));
    const problems = validateFlowYaml(saveFlowYaml(flow));
    expect(problems).toEqual(validateFlow(flow));
    expect(problems.map(formatProblem)).toEqual([
      'node "answer" (nodes[3]): input "value" is required but has no edge',
    ]);
  });

  //   x ──▶ inner (subflow: ref echo)
  it('passes the reference resolver on', () => {
    const text = `schemaVersion: 1
name: outer
inputs: { x: { type: text } }
nodes:
  - { id: x, type: input, config: { name: x } }
  - { id: inner, type: subflow, config: { flow: { ref: echo } } }
edges:
  - { from: x.value, to: inner.x }
`;
    expect(only(validateFlowYaml(text), 'unknown-flow-reference').message).toBe('cannot find flow "echo"');
    const echo = makeInlineFlow({ inputs: { x: { type: 'text' } }, nodes: [inputNode('x', 'x')] });
    expect(validateFlowYaml(text, { resolveReference: () => echo })).toEqual([]);
  });
});

describe('validateFlow edge cases', () => {
  //   flow a: x ──▶ callB (subflow: ref b) ──▶ y      flow b: x ──▶ callA (subflow: ref a) ──▶ y
  //   with a resolver that builds a fresh object on every call (as a store reading rows would)
  it('stops recursion through a resolver that returns new objects, instead of overflowing the stack', () => {
    const build = (name: string, other: string) =>
      makeFlow({
        name,
        inputs: { x: { type: 'text' } },
        outputs: { y: { type: 'text' } },
        nodes: [inputNode('x', 'x'), node('call', 'subflow', { flow: { ref: other } }), outputNode('y', 'y')],
        edges: wire('x.value -> call.x', 'call.y -> y.value'),
      });
    const problems = validateFlow(build('a', 'b'), { resolveReference: (ref) => build(ref, ref === 'a' ? 'b' : 'a') });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'recursive-flow', nodeId: 'call' });
    expect(problems[0]!.message).toContain('sub-flows nest more than 32 levels deep here; flows cannot recurse');
  });

  //   ghost (unknown type) ──▶ answer.value
  //   question ─────────────▶ answer.value   (a second edge into the same input)
  it('reports a second edge into an input even when the first comes from an unusable node', () => {
    const flow = makeFlow({
      inputs: { question: { type: 'text' } },
      outputs: { answer: { type: 'text' } },
      nodes: [inputNode('question', 'question'), node('ghost', 'ghost-type'), outputNode('answer', 'answer')],
      edges: wire('ghost.out -> answer.value', 'question.value -> answer.value'),
    });
    expect(codesOf(validateFlow(flow))).toEqual(['duplicate-edge', 'unknown-node-type']);
  });

  //   numbers (list<number>) ──▶ labels (output list<text>)
  it('accepts list<number> into list<text>, since items are converted', () => {
    const flow = makeFlow({
      inputs: { numbers: { type: 'list<number>' } },
      outputs: { labels: { type: 'list<text>' } },
      nodes: [inputNode('numbers', 'numbers'), outputNode('labels', 'labels')],
      edges: wire('numbers.value -> labels.value'),
    });
    expect(validateFlow(flow)).toEqual([]);
  });
});
