/**
 * Properties of validation on generated flows: a well-formed DAG has no problems, it survives a YAML round trip, and
 * each defect injected into it is found, by its code and where it makes sense its node, path and edge.
 *
 * The generated graphs are layered like this one (any node may read any earlier one; outputs hang off anything):
 *
 *   input_0 ──▶ transform_1 ──▶ prompt_2 ──▶ llm_3 ──▶ out_3
 *      │            │                          ▲
 *      └────────────┴──▶ merge_4 ──▶ out_4     │
 *   input_5 ─────────────────────────▶ prompt_6┘
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Flow, FlowEdge, FlowNode } from '../schema/flow.js';
import { loadFlowYaml, saveFlowYaml } from '../schema/flow-yaml.js';
import { type FlowProblem, formatProblem } from '../schema/problems.js';
import { makeFlow, node, outputNode } from '../testing/flow-fixtures.js';
import { validateFlow, validateFlowYaml } from './validate.js';

const KINDS = ['input', 'transform', 'prompt', 'llm', 'merge', 'collect'] as const;
type Kind = (typeof KINDS)[number] | 'output';

const INPUT_TYPES = ['text', 'number', 'boolean', 'json', 'list<text>', 'messages'];
const TRANSFORM_TYPES = ['json', 'text', 'number', 'boolean', 'list<text>'];
/** Text snippets for templates: multi-line, unicode, and words YAML could read as other types. */
const WORDS = ['Answer', 'yes', 'null', '1.0', 'Réponse', '— ✓', 'key: value', '# not a comment', '"quoted"'];

interface NodePlan {
  kind: (typeof KINDS)[number];
  /** Which earlier outputs the node reads, each taken modulo the number available. */
  picks: number[];
  choice: number;
}

interface FlowPlan {
  nodes: NodePlan[];
  /** Which outputs become flow outputs, modulo the number available. */
  outputs: number[];
  /** Sort keys that shuffle the node list, so nothing depends on nodes being listed in dependency order. */
  order: number[];
}

const planArbitrary: fc.Arbitrary<FlowPlan> = fc.record({
  nodes: fc.array(
    fc.record({ kind: fc.constantFrom(...KINDS), picks: fc.array(fc.nat(), { maxLength: 3 }), choice: fc.nat() }),
    { minLength: 1, maxLength: 10 },
  ),
  outputs: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  order: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 16, maxLength: 16 }),
});

/** An output port of a generated node and its static type (null where it depends on inference: merge, collect). */
interface Source {
  node: FlowNode;
  port: string;
  type: string | null;
}

interface Generated {
  flow: Flow;
  /** In dependency order. */
  nodes: { node: FlowNode; kind: Kind }[];
  /** The edge into each output node, with its source. */
  outputFeeds: { output: FlowNode; source: Source; edge: FlowEdge }[];
}

const reference = (source: Source) => `${source.node.id}.${source.port}`;

function pick<T>(items: readonly T[], choices: readonly number[]): T[] {
  return [...new Set(choices.map((choice) => choice % items.length))].map((index) => items[index]!);
}

/** Builds a valid flow from a plan: every required input wired, every declared output set once, types compatible. */
function buildFlow(plan: FlowPlan): Generated {
  const nodes: { node: FlowNode; kind: Kind }[] = [];
  const sources: Source[] = [];
  const edges: FlowEdge[] = [];
  const inputs: NonNullable<Flow['inputs']> = {};
  const outputs: NonNullable<Flow['outputs']> = {};
  const connect = (source: Source, to: string) => edges.push({ from: reference(source), to });

  plan.nodes.forEach((step, index) => {
    let kind: Kind = step.kind;
    let read = sources.length > 0 ? pick(sources, step.picks) : [];
    // An llm needs a prompt (text, messages or unchecked json); merge and collect need at least one branch.
    const prompts = sources.filter(isPromptSource);
    if (kind === 'llm') read = prompts.length > 0 ? pick(prompts, [step.picks[0] ?? step.choice]) : [];
    if (kind === 'llm' && read.length === 0) kind = 'transform';
    if ((kind === 'merge' || kind === 'collect') && read.length === 0) kind = 'transform';

    const id = `${kind}_${index}`;
    let flowNode: FlowNode;
    switch (kind) {
      case 'input': {
        const name = `in_${index}`;
        const type = INPUT_TYPES[step.choice % INPUT_TYPES.length]!;
        inputs[name] = { type };
        flowNode = node(id, 'input', { name });
        sources.push({ node: flowNode, port: 'value', type });
        break;
      }
      case 'transform': {
        const type = TRANSFORM_TYPES[step.choice % TRANSFORM_TYPES.length]!;
        const expression = read.length > 0 ? `[${read.map((_, k) => `v${k}`).join(', ')}]` : String(step.choice % 100);
        flowNode = node(id, 'transform', { expression, type });
        read.forEach((source, k) => {
          connect(source, `${id}.v${k}`);
        });
        sources.push({ node: flowNode, port: 'value', type });
        break;
      }
      case 'prompt': {
        const word = WORDS[step.choice % WORDS.length]!;
        const template =
          read.length > 0 ? `${word}:\n${read.map((_, k) => `  {{ v${k} }}`).join('\n')}\n` : `${word} — no variables`;
        flowNode = node(id, 'prompt', { template }, { position: { x: index * 200, y: (step.choice % 7) * 90 } });
        read.forEach((source, k) => {
          connect(source, `${id}.v${k}`);
        });
        sources.push({ node: flowNode, port: 'prompt', type: 'text' });
        break;
      }
      case 'llm': {
        flowNode = node(id, 'llm', { temperature: (step.choice % 10) / 10 });
        connect(read[0]!, `${id}.prompt`);
        sources.push({ node: flowNode, port: 'text', type: 'text' });
        break;
      }
      default: {
        const ports = read.map((_, k) => `p${k}`);
        flowNode = node(id, kind, { ports });
        read.forEach((source, k) => {
          connect(source, `${id}.p${k}`);
        });
        if (kind === 'merge') sources.push({ node: flowNode, port: 'value', type: null });
        else
          sources.push({ node: flowNode, port: 'list', type: null }, { node: flowNode, port: 'object', type: 'json' });
      }
    }
    nodes.push({ node: flowNode, kind });
  });

  const outputFeeds: Generated['outputFeeds'] = [];
  pick(sources, plan.outputs).forEach((source, k) => {
    const name = `result_${k}`;
    outputs[name] = { type: source.type ?? 'json' };
    const output = outputNode(`out_${k}`, name);
    nodes.push({ node: output, kind: 'output' });
    const edge = { from: reference(source), to: `${output.id}.value` };
    edges.push(edge);
    outputFeeds.push({ output, source, edge });
  });

  const listed = nodes
    .map((entry, index) => ({ node: entry.node, key: plan.order[index % plan.order.length]!, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map((entry) => entry.node);
  const flow = makeFlow({ name: 'generated', inputs, outputs, nodes: listed, edges });
  return { flow, nodes, outputFeeds };
}

function isPromptSource(source: Source): boolean {
  return source.type === 'text' || source.type === 'messages' || source.type === 'json';
}

function roundTrip(flow: Flow): Flow {
  const text = saveFlowYaml(flow);
  const loaded = loadFlowYaml(text);
  if (!loaded.ok) throw new Error(`the saved flow did not load:\n${loaded.problems.map(formatProblem).join('\n')}`);
  expect(saveFlowYaml(loaded.flow)).toBe(text);
  return loaded.flow;
}

describe('validateFlow on generated flows', () => {
  it('finds no problem in a well-formed DAG, whatever the node order', () => {
    const kindsSeen = new Set<Kind>();
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        const { flow, nodes } = buildFlow(plan);
        for (const entry of nodes) kindsSeen.add(entry.kind);
        expect(validateFlow(flow).map(formatProblem)).toEqual([]);
      }),
      { numRuns: 150 },
    );
    // The generator must not collapse into transforms only.
    expect([...kindsSeen].sort()).toEqual(['collect', 'input', 'llm', 'merge', 'output', 'prompt', 'transform']);
  });

  it('saves a generated flow to YAML and loads the same flow back', () => {
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        const { flow } = buildFlow(plan);
        expect(roundTrip(flow)).toStrictEqual(flow);
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Defects. Each one changes the flow in place and returns a check for the problems; defects touch disjoint nodes
// and edges, so one cannot hide another (an unknown node type, for instance, makes its edges unusable).

const DEFECTS = [
  'duplicate-id',
  'unknown-node-type',
  'dangling-edge',
  'cycle',
  'missing-input',
  'type-mismatch',
  'unknown-flow-output',
] as const;
type Defect = (typeof DEFECTS)[number];

type Check = (problems: readonly FlowProblem[]) => void;

const MISSPELT: Readonly<Record<Kind, string>> = {
  input: 'inptu',
  output: 'outptu',
  transform: 'transfrom',
  prompt: 'promt',
  llm: 'lml',
  merge: 'mrege',
  collect: 'colect',
};

/** A type that the given static type cannot connect to. */
const INCOMPATIBLE: Readonly<Record<string, string>> = {
  text: 'number',
  number: 'list<number>',
  boolean: 'passages',
  'list<text>': 'text',
  messages: 'text',
};

const OUTPUT_PORT: Readonly<Record<Kind, string | undefined>> = {
  input: 'value',
  transform: 'value',
  prompt: 'prompt',
  llm: 'text',
  merge: 'value',
  collect: 'list',
  output: undefined,
};

/** Whether every input of the node is required, so removing an edge into it leaves a required input unconnected. */
const REQUIRED_INPUTS: ReadonlySet<Kind> = new Set(['transform', 'prompt', 'llm', 'output']);

class Injector {
  private readonly touchedNodes = new Set<FlowNode>();
  private readonly touchedEdges = new Set<FlowEdge>();
  private readonly kinds = new Map<FlowNode, Kind>();

  constructor(
    private readonly generated: Generated,
    private readonly choices: readonly number[],
  ) {
    for (const entry of generated.nodes) this.kinds.set(entry.node, entry.kind);
  }

  private get flow() {
    return this.generated.flow;
  }

  private choiceIndex = 0;
  private choose<T>(items: readonly T[]): T | undefined {
    if (items.length === 0) return undefined;
    const choice = this.choices[this.choiceIndex++ % Math.max(1, this.choices.length)] ?? 0;
    return items[choice % items.length];
  }

  private free(): FlowNode[] {
    return this.flow.nodes.filter((n) => !this.touchedNodes.has(n));
  }

  private byId(id: string): FlowNode | undefined {
    return this.flow.nodes.find((n) => n.id === id && !this.touchedNodes.has(n));
  }

  private touch(...nodes: FlowNode[]) {
    for (const n of nodes) this.touchedNodes.add(n);
  }

  inject(defect: Defect): Check | undefined {
    switch (defect) {
      case 'duplicate-id':
        return this.duplicateId();
      case 'unknown-node-type':
        return this.unknownType();
      case 'dangling-edge':
        return this.danglingEdge();
      case 'cycle':
        return this.cycle();
      case 'missing-input':
        return this.missingInput();
      case 'type-mismatch':
        return this.typeMismatch();
      case 'unknown-flow-output':
        return this.unknownOutput();
    }
  }

  /** The later of two nodes takes the id of the earlier one, so the edges of the earlier one stay as they were. */
  private duplicateId(): Check | undefined {
    const free = this.free();
    const later = this.choose(
      free.filter((n) => this.flow.nodes.indexOf(n) > 0 && free.some((o) => this.before(o, n))),
    );
    if (!later) return undefined;
    const earlier = this.choose(free.filter((o) => this.before(o, later)))!;
    later.id = earlier.id;
    this.touch(earlier, later);
    return (problems) =>
      expect(problems).toContainEqual({
        code: 'duplicate-id',
        path: ['nodes', this.flow.nodes.indexOf(later), 'id'],
        nodeId: earlier.id,
        message: `id "${earlier.id}" is used by more than one node`,
      });
  }

  private before(a: FlowNode, b: FlowNode): boolean {
    return this.flow.nodes.indexOf(a) < this.flow.nodes.indexOf(b);
  }

  private unknownType(): Check | undefined {
    const target = this.choose(this.free());
    if (!target) return undefined;
    const original = this.kinds.get(target)!;
    target.type = MISSPELT[original];
    this.touch(target);
    return (problems) => {
      const found = problems.find((p) => p.code === 'unknown-node-type' && p.nodeId === target.id);
      expect(found, `unknown-node-type on ${target.id}`).toMatchObject({
        path: ['nodes', this.flow.nodes.indexOf(target), 'type'],
      });
      expect(found?.message).toMatch(`unknown node type "${MISSPELT[original]}" (did you mean "${original}"?)`);
    };
  }

  private danglingEdge(): Check | undefined {
    const anchor = this.choose(this.flow.nodes)!;
    const end = this.choose(['from', 'to'] as const)!;
    // The port at the real end exists on no node: an edge written into a real input would count as connecting it.
    const edge =
      end === 'from'
        ? { from: 'ghost.value', to: `${anchor.id}.from_ghost` }
        : { from: `${anchor.id}.to_ghost`, to: 'ghost.in' };
    this.flow.edges!.push(edge);
    this.touchedEdges.add(edge);
    return (problems) => {
      // Read the index when checking: a later defect may remove an earlier edge.
      const at = this.flow.edges!.indexOf(edge);
      const found = problems.find((p) => p.code === 'dangling-edge' && p.path[1] === at && p.path[2] === end);
      expect(found, `dangling-edge at edges[${at}].${end}`).toMatchObject({ edge });
      expect(found?.message).toMatch(new RegExp(`^${end}: there is no node "ghost"`));
    };
  }

  /**
   * Rewires an edge a ──▶ b so that it starts at d, a node downstream of b (or b itself): d ──▶ b closes a cycle.
   * The rest of the graph is acyclic, so every cycle uses the new edge.
   */
  private cycle(): Check | undefined {
    const candidates = this.flow.edges!.filter((edge) => {
      const target = this.byId(edge.to.split('.')[0]!);
      return !this.touchedEdges.has(edge) && target !== undefined && OUTPUT_PORT[this.kinds.get(target)!] !== undefined;
    });
    const edge = this.choose(candidates);
    if (!edge) return undefined;
    const b = this.byId(edge.to.split('.')[0]!)!;
    const downstream = this.reachable(b, 'forward');
    const d = this.choose([...downstream].filter((n) => OUTPUT_PORT[this.kinds.get(n)!] !== undefined))!;
    const upstreamOfD = this.reachable(d, 'backward');
    const members = [...downstream].filter((n) => upstreamOfD.has(n));
    edge.from = `${d.id}.${OUTPUT_PORT[this.kinds.get(d)!]}`;
    this.touch(...members);
    for (const e of this.flow.edges!) {
      const ends = [e.from, e.to].map((end) => this.flow.nodes.find((n) => n.id === end.split('.')[0]));
      if (ends.every((n) => n !== undefined && members.includes(n))) this.touchedEdges.add(e);
    }
    return (problems) => {
      const steps = problems
        .filter((p) => p.code === 'cycle')
        .map((p) => {
          const ids = /^cycle (.*?): /.exec(p.message)?.[1]?.split(' -> ') ?? [];
          // The cycle starts and ends at the problem's node, and the problem points at the edge that closes it.
          expect([ids[0], ids.at(-1)]).toEqual([p.nodeId, p.nodeId]);
          expect(p.path).toEqual(['edges', expect.any(Number)]);
          expect(this.flow.edges![p.path[1] as number]).toEqual(p.edge);
          expect([p.edge?.from.split('.')[0], p.edge?.to.split('.')[0]]).toEqual(ids.slice(-2));
          return ids.slice(1).map((id, k) => `${ids[k]} -> ${id}`);
        });
      expect(steps, `a cycle through ${d.id} -> ${b.id}`).toContainEqual(
        expect.arrayContaining([`${d.id} -> ${b.id}`]),
      );
    };
  }

  /** The untouched nodes reachable from `start` (itself included) along untouched nodes. */
  private reachable(start: FlowNode, direction: 'forward' | 'backward'): Set<FlowNode> {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const edge of this.flow.edges!) {
        const [near, far] = direction === 'forward' ? [edge.from, edge.to] : [edge.to, edge.from];
        if (near.split('.')[0] !== current.id) continue;
        const next = this.byId(far.split('.')[0]!);
        if (next && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen;
  }

  private missingInput(): Check | undefined {
    const edge = this.choose(
      this.flow.edges!.filter((e) => {
        const target = this.byId(e.to.split('.')[0]!);
        return !this.touchedEdges.has(e) && target !== undefined && REQUIRED_INPUTS.has(this.kinds.get(target)!);
      }),
    );
    if (!edge) return undefined;
    const target = this.byId(edge.to.split('.')[0]!)!;
    const port = edge.to.split('.')[1]!;
    this.flow.edges!.splice(this.flow.edges!.indexOf(edge), 1);
    this.touch(target);
    return (problems) => {
      const found = problems.filter((p) => p.code === 'missing-input' && p.nodeId === target.id);
      expect(
        found.map((p) => p.message),
        `missing-input on ${target.id}`,
      ).toContainEqual(expect.stringMatching(new RegExp(`^input "${port}"( \\(.*\\))? is required but has no edge$`)));
      expect(found[0]?.path).toEqual(['nodes', this.flow.nodes.indexOf(target)]);
    };
  }

  /** Declares a flow output with a type its source cannot give; adds a fresh source and output where none fits. */
  private typeMismatch(): Check | undefined {
    const feed = this.choose(
      this.generated.outputFeeds.filter(
        ({ output, source, edge }) =>
          !this.touchedNodes.has(output) &&
          !this.touchedNodes.has(source.node) &&
          !this.touchedEdges.has(edge) &&
          this.flow.edges!.includes(edge) &&
          source.type !== null &&
          source.type in INCOMPATIBLE,
      ),
    );
    let edge: FlowEdge;
    let gives: string;
    let takes: string;
    if (feed) {
      const name = (feed.output.config as { name: string }).name;
      ({ edge } = feed);
      gives = feed.source.type!;
      takes = INCOMPATIBLE[gives]!;
      this.flow.outputs![name] = { type: takes };
      this.touch(feed.output, feed.source.node);
    } else {
      const source = node('mismatch_source', 'transform', { expression: '1', type: 'number' });
      const output = outputNode('mismatch_output', 'mismatch_result');
      [gives, takes] = ['number', 'list<text>'];
      this.flow.outputs!.mismatch_result = { type: takes };
      this.flow.nodes.push(source, output);
      edge = { from: 'mismatch_source.value', to: 'mismatch_output.value' };
      this.flow.edges!.push(edge);
      this.touch(source, output);
    }
    this.touchedEdges.add(edge);
    const expected = `${edge.from} gives ${gives} but ${edge.to} takes ${takes}`;
    return (problems) =>
      expect(problems).toContainEqual(
        expect.objectContaining({
          code: 'type-mismatch',
          edge,
          path: ['edges', this.flow.edges!.indexOf(edge)],
          message: expected,
        }),
      );
  }

  private unknownOutput(): Check | undefined {
    const output = this.choose(this.free().filter((n) => this.kinds.get(n) === 'output'));
    if (!output) return undefined;
    output.config = { name: 'undeclared_output' };
    this.touch(output);
    return (problems) =>
      expect(problems).toContainEqual(
        expect.objectContaining({
          code: 'unknown-flow-output',
          nodeId: output.id,
          path: ['nodes', this.flow.nodes.indexOf(output), 'config', 'name'],
          message: expect.stringMatching(/^flow output "undeclared_output" is not declared under outputs \(declared: /),
        }),
      );
  }
}

describe('validateFlow on generated flows with injected defects', () => {
  it('finds every injected defect, and the YAML round trip keeps the broken flow as it is', () => {
    const applied = new Map<Defect, number>(DEFECTS.map((defect) => [defect, 0]));
    fc.assert(
      fc.property(
        planArbitrary,
        fc.uniqueArray(fc.constantFrom(...DEFECTS), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        (plan, defects, choices) => {
          const generated = buildFlow(plan);
          const injector = new Injector(generated, choices);
          const checks: Check[] = [];
          for (const defect of defects) {
            const check = injector.inject(defect);
            if (!check) continue;
            checks.push(check);
            applied.set(defect, applied.get(defect)! + 1);
          }
          fc.pre(checks.length > 0);
          const { flow } = generated;
          const problems = validateFlow(flow);
          for (const check of checks) check(problems);
          expect(roundTrip(flow)).toStrictEqual(flow);
          expect(validateFlowYaml(saveFlowYaml(flow))).toEqual(problems);
        },
      ),
      { numRuns: 200 },
    );
    // Each kind of defect must have been tried often enough for the property to mean something.
    for (const [defect, count] of applied) expect(count, defect).toBeGreaterThanOrEqual(10);
  });
});
