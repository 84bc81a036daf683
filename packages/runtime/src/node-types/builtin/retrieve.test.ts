import { describe, expect, it } from 'vitest';
import type { GroundednessResult } from '../../evaluators/groundedness/types.js';
import type { RetrievedPassage, RetrieveRequest, Retriever } from '../../retrieval/types.js';
import type { FlowNode } from '../../schema/flow.js';
import { inlineFlow, node, problemsOf, runTestFlow, testFlow } from '../../testing/test-runs.js';

const PASSAGES: RetrievedPassage[] = [
  {
    id: 'chk_1',
    text: 'Groundwork installs with npm install groundwork.',
    source: 'docs/install.md',
    score: 0.03,
    collection: 'docs',
    heading: 'Install > From npm',
    start: 0,
    end: 48,
    documentId: 'doc_1',
  },
  {
    id: 'chk_2',
    text: 'The server listens on port 4100.',
    source: 'docs/serve.md',
    score: 0.02,
    collection: 'docs',
    heading: null,
    start: 10,
    end: 42,
    documentId: 'doc_2',
  },
];

/** A retriever that records what it is asked and answers from a list, or fails as a host would. */
function recordingRetriever(answer: (request: RetrieveRequest) => RetrievedPassage[] = () => PASSAGES) {
  const requests: RetrieveRequest[] = [];
  const retriever: Retriever = {
    async search(request, signal) {
      requests.push(request);
      signal?.throwIfAborted();
      return answer(request);
    },
  };
  return { retriever, requests };
}

//   question ──▶ r.query ──▶ r.passages ─┬─▶ passages
//                                        └─▶ prompt.passages ──▶ prompt
function retrieveFlow(config: Record<string, unknown>) {
  const r: FlowNode = { id: 'r', type: 'retrieve', config };
  return testFlow({
    inputs: { question: { type: 'text' } },
    outputs: { passages: { type: 'passages' }, prompt: { type: 'text' } },
    nodes: [
      node('question', 'input', { name: 'question' }),
      r,
      node('cite', 'prompt', {
        template:
          '{% for p in passages %}[{{ loop.index }}] {{ p.source }} ({{ p.heading }}): {{ p.text }}\n{% endfor %}',
      }),
      node('passages', 'output', { name: 'passages' }),
      node('prompt', 'output', { name: 'prompt' }),
    ],
    edges: [
      ['question.value', 'r.query'],
      ['r.passages', 'passages.value'],
      ['r.passages', 'cite.passages'],
      ['cite.prompt', 'prompt.value'],
    ],
  });
}

describe('retrieve node', () => {
  it('asks the host retriever with its config and gives passages that prompts can cite', async () => {
    const { retriever, requests } = recordingRetriever();
    const { result } = await runTestFlow(
      retrieveFlow({ collection: 'docs', topK: 2, sources: ['docs/'], mode: 'keyword', vectorWeight: 0.3 }),
      { inputs: { question: 'How do I install it?' }, retriever },
    );
    expect(result.status).toBe('succeeded');
    expect(requests).toEqual([
      {
        collection: 'docs',
        query: 'How do I install it?',
        topK: 2,
        mode: 'keyword',
        vectorWeight: 0.3,
        sources: ['docs/'],
      },
    ]);
    expect(result.outputs.passages).toEqual(PASSAGES);
    expect(result.outputs.prompt).toBe(
      '[1] docs/install.md (Install > From npm): Groundwork installs with npm install groundwork.\n' +
        '[2] docs/serve.md (): The server listens on port 4100.\n',
    );
  });

  it('uses the defaults: top 5, hybrid, vector weight 0.5, no source filter', async () => {
    const { retriever, requests } = recordingRetriever(() => []);
    const { result } = await runTestFlow(retrieveFlow({ collection: 'docs' }), {
      inputs: { question: 'anything' },
      retriever,
    });
    expect(result.outputs.passages).toEqual([]);
    expect(requests).toEqual([{ collection: 'docs', query: 'anything', topK: 5, mode: 'hybrid', vectorWeight: 0.5 }]);
  });

  it('reaches the retriever from inside a map sub-flow', async () => {
    const { retriever, requests } = recordingRetriever();
    //   questions ──▶ each (map: item ──▶ r ──▶ passages) ──▶ found
    const flow = testFlow({
      inputs: { questions: { type: 'list<text>' } },
      outputs: { found: { type: 'json' } },
      nodes: [
        node('questions', 'input', { name: 'questions' }),
        node('each', 'map', {
          flow: inlineFlow({
            inputs: { item: { type: 'text' } },
            outputs: { passages: { type: 'passages' } },
            nodes: [
              node('item', 'input', { name: 'item' }),
              { id: 'r', type: 'retrieve', config: { collection: 'docs', topK: 1 } },
              node('passages', 'output', { name: 'passages' }),
            ],
            edges: [
              ['item.value', 'r.query'],
              ['r.passages', 'passages.value'],
            ],
          }),
        }),
        node('found', 'output', { name: 'found' }),
      ],
      edges: [
        ['questions.value', 'each.items'],
        ['each.passages', 'found.value'],
      ],
    });
    const { result } = await runTestFlow(flow, { inputs: { questions: ['one', 'two'] }, retriever });
    expect(result.status).toBe('succeeded');
    expect(requests.map((request) => request.query).sort()).toEqual(['one', 'two']);
    expect(result.outputs.found).toEqual([PASSAGES, PASSAGES]);
  });

  it('fails without a retriever, on an empty query, and with the retriever’s message, without retrying', async () => {
    const flow = retrieveFlow({ collection: 'nope' });
    const bare = await runTestFlow(flow, { inputs: { question: 'q' } });
    expect(bare.result.status).toBe('failed');
    expect(bare.result.error).toMatchObject({ code: 'no-retriever' });
    expect(bare.result.error!.message).toMatch(/the server and the groundwork command provide them/);

    const { retriever } = recordingRetriever();
    const empty = await runTestFlow(flow, { inputs: { question: '  ' }, retriever });
    expect(empty.result.error).toMatchObject({ code: 'empty-query', message: 'retrieve node "r": the query is empty' });

    let calls = 0;
    const failing: Retriever = {
      async search(request) {
        calls++;
        throw new Error(`collection "${request.collection}" was not found`);
      },
    };
    const retried = retrieveFlow({ collection: 'nope' });
    retried.nodes[1]!.retry = { maxAttempts: 3, backoffMs: 1 };
    const failed = await runTestFlow(retried, { inputs: { question: 'q' }, retriever: failing });
    expect(failed.result.error).toMatchObject({
      code: 'retrieve-failed',
      message: 'retrieve node "r": collection "nope" was not found',
    });
    expect(calls).toBe(1);
  });

  it('refuses a config without a collection or out of range when the flow is checked', () => {
    expect(problemsOf(retrieveFlow({}))[0]).toMatchObject({
      code: 'invalid-config',
      path: ['nodes', 1, 'config', 'collection'],
    });
    for (const config of [
      { collection: 'd', topK: 0 },
      { collection: 'd', topK: 101 },
      { collection: 'd', mode: 'fuzzy' },
      { collection: 'd', vectorWeight: 1.5 },
    ]) {
      expect(problemsOf(retrieveFlow(config))[0]).toMatchObject({ code: 'invalid-config' });
    }
  });
});

describe('groundedness with retrieved passages', () => {
  //   question ──▶ r ──▶ g.context ──▶ result
  //   answer ───────────▶ g.answer
  it('names the passage id and source that support each answer sentence', async () => {
    const { retriever } = recordingRetriever();
    const flow = testFlow({
      inputs: { question: { type: 'text' }, answer: { type: 'text' } },
      outputs: { result: { type: 'json' } },
      nodes: [
        node('question', 'input', { name: 'question' }),
        node('answer', 'input', { name: 'answer' }),
        { id: 'r', type: 'retrieve', config: { collection: 'docs' } },
        { id: 'g', type: 'groundedness', config: {} },
        node('result', 'output', { name: 'result' }),
      ],
      edges: [
        ['question.value', 'r.query'],
        ['r.passages', 'g.context'],
        ['answer.value', 'g.answer'],
        ['g.result', 'result.value'],
      ],
    });
    const { result } = await runTestFlow(flow, {
      inputs: { question: 'port?', answer: 'The server listens on port 4100. Install it with npm install groundwork.' },
      retriever,
    });
    expect(result.status).toBe('succeeded');
    const verdict = result.outputs.result as GroundednessResult;
    expect(verdict.sentences.map((sentence) => sentence.evidence[0])).toEqual([
      expect.objectContaining({ passage: 1, passageId: 'chk_2', source: 'docs/serve.md' }),
      expect.objectContaining({ passage: 0, passageId: 'chk_1', source: 'docs/install.md' }),
    ]);
  });
});
