import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { RunRequestError } from '../../engine/run-request.js';
import { primitive } from '../../schema/port-types.js';
import { eventsOfType, node, nodeOutputs, portContext, runTestFlow, testFlow } from '../../testing/test-runs.js';
import { promptNode } from './prompt.js';

function promptPorts(config: Parameters<typeof promptNode.ports>[0]) {
  return promptNode.ports(promptNode.configSchema.parse(config), portContext());
}

describe('prompt node', () => {
  //   question ──▶ p ──▶ out
  //   context ───▶ │
  //   words ─────▶ ┘
  it('renders a text template with several variables', async () => {
    const flow = testFlow({
      inputs: { question: { type: 'text' }, context: { type: 'text' }, words: { type: 'number' } },
      outputs: { prompt: { type: 'text' } },
      nodes: [
        node('question', 'input', { name: 'question' }),
        node('context', 'input', { name: 'context' }),
        node('words', 'input', { name: 'words' }),
        node('p', 'prompt', { template: 'Context: {{ context }}\nAnswer "{{ question }}" in {{ words }} words.' }),
        node('out', 'output', { name: 'prompt' }),
      ],
      edges: [
        ['question.value', 'p.question'],
        ['context.value', 'p.context'],
        ['words.value', 'p.words'],
        ['p.prompt', 'out.value'],
      ],
    });
    const { result } = await runTestFlow(flow, {
      inputs: { question: 'Why is the sky blue?', context: 'Rayleigh scattering.', words: 12 },
    });
    expect(result.outputs).toEqual({
      prompt: 'Context: Rayleigh scattering.\nAnswer "Why is the sky blue?" in 12 words.',
    });
  });

  it("takes the template's free variables as required inputs, not loop variables or what it sets", () => {
    const ports = promptPorts({
      template:
        '{% set heading = "Sources" %}{{ heading }}: {% for doc in docs %}{{ loop.index }}. {{ doc.title }} {% endfor %}{{ question }} {{ docs | length }}',
    });
    expect(ports.inputs.map((port) => port.name)).toEqual(['docs', 'question']);
    expect(ports.inputs.every((port) => port.required === true && port.type.kind === 'any')).toBe(true);
    expect(ports.outputs).toEqual([{ name: 'prompt', type: primitive('text') }]);
  });

  it('takes the variables of every message template once, and outputs messages', () => {
    const ports = promptPorts({
      messages: [
        { role: 'system', template: 'Answer in {{ language }}.' },
        { role: 'user', template: '{{ question }} ({{ language }})' },
      ],
    });
    expect(ports.inputs.map((port) => port.name)).toEqual(['language', 'question']);
    expect(ports.outputs).toEqual([{ name: 'prompt', type: primitive('messages') }]);
  });

  //   language ──▶ chat ──▶ out
  //   question ──▶ ┘
  it('renders chat messages with their roles', async () => {
    const flow = testFlow({
      inputs: { language: { type: 'text' }, question: { type: 'text' } },
      outputs: { messages: { type: 'messages' } },
      nodes: [
        node('language', 'input', { name: 'language' }),
        node('question', 'input', { name: 'question' }),
        node('chat', 'prompt', {
          messages: [
            { role: 'system', template: 'You answer in {{ language }}.' },
            { role: 'user', template: '{{ question }}' },
            { role: 'assistant', template: 'Bien sûr.' },
            { role: 'user', template: 'Now in one word, in {{ language }}.' },
          ],
        }),
        node('out', 'output', { name: 'messages' }),
      ],
      edges: [
        ['language.value', 'chat.language'],
        ['question.value', 'chat.question'],
        ['chat.prompt', 'out.value'],
      ],
    });
    const { result } = await runTestFlow(flow, { inputs: { language: 'French', question: 'What colour is the sky?' } });
    expect(result.outputs.messages).toEqual([
      { role: 'system', content: 'You answer in French.' },
      { role: 'user', content: 'What colour is the sky?' },
      { role: 'assistant', content: 'Bien sûr.' },
      { role: 'user', content: 'Now in one word, in French.' },
    ]);
  });

  //   q ──▶ p ──▶ out      p: variants short (default), polite
  describe('variants', () => {
    const flow = testFlow({
      inputs: { q: { type: 'text' } },
      outputs: { prompt: { type: 'text' } },
      nodes: [
        node(
          'p',
          'prompt',
          { template: 'Q: {{ q }}' },
          {
            variants: [
              { name: 'short', config: {} },
              { name: 'polite', config: { template: 'Please answer this question: {{ q }}' } },
            ],
            defaultVariant: 'short',
          },
        ),
        node('q', 'input', { name: 'q' }),
        node('out', 'output', { name: 'prompt' }),
      ],
      edges: [
        ['q.value', 'p.q'],
        ['p.prompt', 'out.value'],
      ],
    });

    it('renders the default variant when the run picks none', async () => {
      const { result, events } = await runTestFlow(flow, { inputs: { q: 'Why?' } });
      expect(result.outputs).toEqual({ prompt: 'Q: Why?' });
      expect(result.variants).toEqual({ p: 'short' });
      expect(eventsOfType(events, 'run-start')[0]!.variants).toEqual({ p: 'short' });
      expect(eventsOfType(events, 'node-start').find((event) => event.nodeId === 'p')?.variant).toBe('short');
    });

    it("renders the variant's template when the run picks it", async () => {
      const { result, events } = await runTestFlow(flow, { inputs: { q: 'Why?' }, variants: { p: 'polite' } });
      expect(result.outputs).toEqual({ prompt: 'Please answer this question: Why?' });
      expect(result.variants).toEqual({ p: 'polite' });
      expect(eventsOfType(events, 'node-start').find((event) => event.nodeId === 'p')?.variant).toBe('polite');
    });

    it('refuses a variant the node does not have before anything runs', async () => {
      const started = runTestFlow(flow, { inputs: { q: 'Why?' }, variants: { p: 'rude' } });
      await expect(started).rejects.toBeInstanceOf(RunRequestError);
      await expect(started).rejects.toThrow('variants.p: node "p" has no variant "rude" (variants: short, polite)');
    });
  });

  //   n, ratio, tags, doc, ok ──▶ p ──▶ out
  it('renders numbers, lists, objects and booleans as Jinja renders them', async () => {
    const template =
      'n={{ n }} ratio={{ ratio }} tags={{ tags }} doc={{ doc }} ok={{ ok }} first={{ tags[0] }} title={{ doc.title }}';
    const values = { n: 3, ratio: 0.25, tags: ['a', 2, true], doc: { title: 'Sky', pages: 4 }, ok: false };
    const flow = testFlow({
      inputs: {
        n: { type: 'number' },
        ratio: { type: 'number' },
        tags: { type: 'json' },
        doc: { type: 'json' },
        ok: { type: 'boolean' },
      },
      outputs: { prompt: { type: 'text' } },
      nodes: [
        ...Object.keys(values).map((name) => node(name, 'input', { name })),
        node('p', 'prompt', { template }),
        node('out', 'output', { name: 'prompt' }),
      ],
      edges: [...Object.keys(values).map((name) => [`${name}.value`, `p.${name}`] as const), ['p.prompt', 'out.value']],
    });
    const { result, events } = await runTestFlow(flow, { inputs: values });
    const expected = 'n=3 ratio=0.25 tags=["a", 2, true] doc={"title": "Sky", "pages": 4} ok=false first=a title=Sky';
    expect(result.outputs).toEqual({ prompt: expected });
    // The node hands its inputs to Jinja unchanged: the library renders them exactly so.
    expect(new Template(template).render(values)).toBe(expected);
    expect(nodeOutputs(events, 'p')).toEqual({ prompt: expected });
  });

  //   docs ──▶ p ──▶ out
  it('iterates a list with a loop', async () => {
    const flow = testFlow({
      inputs: { docs: { type: 'json' } },
      outputs: { prompt: { type: 'text' } },
      nodes: [
        node('docs', 'input', { name: 'docs' }),
        node('p', 'prompt', { template: '{% for doc in docs %}[{{ loop.index }}] {{ doc.text }}\n{% endfor %}' }),
        node('out', 'output', { name: 'prompt' }),
      ],
      edges: [
        ['docs.value', 'p.docs'],
        ['p.prompt', 'out.value'],
      ],
    });
    const { result } = await runTestFlow(flow, {
      inputs: { docs: [{ text: 'Light scatters.' }, { text: 'Blue scatters most.' }] },
    });
    expect(result.outputs).toEqual({ prompt: '[1] Light scatters.\n[2] Blue scatters most.\n' });
  });

  it('takes either a template or messages, and reports a template syntax error on its field', () => {
    const both = promptNode.configSchema.safeParse({ template: 'x', messages: [{ role: 'user', template: 'y' }] });
    expect(both.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['template'], 'give either template (text) or messages (chat), not both or neither'],
    ]);
    expect(promptNode.configSchema.safeParse({}).success).toBe(false);
    const broken = promptNode.configSchema.safeParse({
      messages: [
        { role: 'user', template: 'ok' },
        { role: 'user', template: 'x {{ a ' },
      ],
    });
    expect(broken.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['messages', 1, 'template'], 'Unexpected end of template: "{{" at line 1, column 3 is never closed'],
    ]);
    expect(promptNode.configSchema.safeParse({ messages: [{ role: 'tool', template: 'x' }] }).success).toBe(false);
  });
});
