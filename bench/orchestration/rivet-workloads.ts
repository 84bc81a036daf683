// Rivet side of the orchestration-overhead benchmark: the same graph shapes as our engine's, built with
// @ironclad/rivet-core's own node implementations and run through its GraphProcessor.
// Rivet's stack use grows with graph depth (about 1.8 KB per node): a chain of ~550+ nodes overflows the main
// thread's default stack and crashes the process, so long chains must run in a worker with a larger stackSizeMb
// (as rivet-check.ts does) or under `node --stack-size=4000`.
import {
  ArrayNodeImpl,
  type ChartNode,
  CoalesceNodeImpl,
  coreRunGraph,
  type DataValue,
  type GraphId,
  GraphInputNodeImpl,
  GraphOutputNodeImpl,
  IfNodeImpl,
  type NodeConnection,
  type NodeGraph,
  PassthroughNodeImpl,
  type PortId,
  type Project,
  type ProjectId,
  type RunGraphOptions,
} from '@ironclad/rivet-core';

export type WorkloadShape =
  | { kind: 'chain'; length: number }
  | { kind: 'fan-out'; width: number }
  | { kind: 'condition'; branchLength: number };

export interface RivetWorkload {
  nodeCount: number;
  run(): Promise<unknown>;
}

/** Node titles seen during one run, so a check can prove which nodes Rivet actually executed. */
export interface RivetRunTrace {
  output: unknown;
  started: string[];
  excluded: string[];
}

export interface TracedRivetWorkload extends RivetWorkload {
  /** Like run(), but listens to nodeStart/nodeExcluded; listeners cost time, so never use this for timing. */
  runTraced(input?: string): Promise<RivetRunTrace>;
}

/** The fixed input of every run. Non-empty, so the condition workload takes its `true` branch. */
export const RIVET_INPUT = 'groundwork';

const GRAPH_ID = 'bench-graph' as GraphId;
const INPUT_ID = 'input';
const OUTPUT_ID = 'output';

class GraphBuilder {
  readonly nodes: ChartNode[] = [];
  readonly connections: NodeConnection[] = [];

  add(node: ChartNode, title: string): ChartNode {
    // Titles are only for tracing; Rivet keys everything by the random node id.
    node.title = title;
    this.nodes.push(node);
    return node;
  }

  connect(from: ChartNode, outputId: string, to: ChartNode, inputId: string): void {
    this.connections.push({
      outputNodeId: from.id,
      outputId: outputId as PortId,
      inputNodeId: to.id,
      inputId: inputId as PortId,
    });
  }

  /** Appends `length` passthrough nodes after from.port and returns the node/port that ends the chain. */
  chain(from: ChartNode, port: string, length: number, prefix: string): [ChartNode, string] {
    let tail: [ChartNode, string] = [from, port];
    for (let i = 1; i <= length; i++) {
      const node = this.add(PassthroughNodeImpl.create(), `${prefix}${i}`);
      this.connect(tail[0], tail[1], node, 'input1');
      tail = [node, 'output1'];
    }
    return tail;
  }

  graphInput(): ChartNode {
    const node = GraphInputNodeImpl.create();
    node.data = { ...node.data, id: INPUT_ID, dataType: 'string' };
    return this.add(node, 'in');
  }

  graphOutput(from: ChartNode, port: string): void {
    const node = GraphOutputNodeImpl.create();
    // 'any' so the graph output node does not coerce the collected array of the fan-out.
    node.data = { ...node.data, id: OUTPUT_ID, dataType: 'any' };
    this.connect(from, port, this.add(node, 'out'), 'value');
  }

  project(name: string): Project {
    const graph: NodeGraph = {
      metadata: { id: GRAPH_ID, name, description: '' },
      nodes: this.nodes,
      connections: this.connections,
    };
    return {
      metadata: { id: 'groundwork-bench' as ProjectId, title: name, description: '', mainGraphId: GRAPH_ID },
      graphs: { [GRAPH_ID]: graph } as Record<GraphId, NodeGraph>,
    };
  }
}

function buildGraph(shape: WorkloadShape): GraphBuilder {
  const b = new GraphBuilder();
  const input = b.graphInput();
  switch (shape.kind) {
    case 'chain': {
      b.graphOutput(...b.chain(input, 'data', shape.length, 'n'));
      break;
    }
    case 'fan-out': {
      const array = ArrayNodeImpl.create();
      // Without flattening the Array node is a pure collector: exactly one element per input port.
      array.data = { flatten: false, flattenDeep: false };
      for (let i = 1; i <= shape.width; i++) {
        const node = b.add(PassthroughNodeImpl.create(), `fan${i}`);
        b.connect(input, 'data', node, 'input1');
        b.connect(node, 'output1', array, `input${i}`);
      }
      b.add(array, 'join');
      b.graphOutput(array, 'output');
      break;
    }
    case 'condition': {
      // The If node sends its value down one port and a "Not Ran" marker down the other; Rivet then skips
      // every node downstream of the marker, and Coalesce is the node meant to merge such branches.
      const cond = b.add(IfNodeImpl.create(), 'if');
      b.connect(input, 'data', cond, 'if');
      b.connect(input, 'data', cond, 'value');
      const merge = CoalesceNodeImpl.create();
      const [trueEnd, truePort] = b.chain(cond, 'output', shape.branchLength, 'true');
      const [falseEnd, falsePort] = b.chain(cond, 'falseOutput', shape.branchLength, 'false');
      b.add(merge, 'merge');
      b.connect(trueEnd, truePort, merge, 'input1');
      b.connect(falseEnd, falsePort, merge, 'input2');
      b.graphOutput(merge, 'output');
      break;
    }
  }
  return b;
}

export function buildRivetWorkload(shape: WorkloadShape): TracedRivetWorkload {
  const builder = buildGraph(shape);
  const project = builder.project(JSON.stringify(shape));
  const inputs = (value: string): Record<string, DataValue> => ({ [INPUT_ID]: { type: 'string', value } });
  const fixedInputs = inputs(RIVET_INPUT);

  // coreRunGraph (rivet-core's run API) builds a fresh GraphProcessor per call. A processor could be
  // re-run sequentially (processGraph resets its per-run state), but it keeps its execution cache, globals and
  // listeners across runs, so that is not how Rivet is meant to be used. No settings are passed: rivet-core fills
  // empty API keys itself, and these graphs contain no node that could reach the network.
  const runOnce = async (options: RunGraphOptions): Promise<unknown> => {
    const outputs = await coreRunGraph(project, options);
    return outputs[OUTPUT_ID]?.value;
  };

  return {
    nodeCount: builder.nodes.length,
    run: () => runOnce({ inputs: fixedInputs }),
    async runTraced(input = RIVET_INPUT) {
      const started: string[] = [];
      const excluded: string[] = [];
      const output = await runOnce({
        inputs: inputs(input),
        onNodeStart: ({ node }) => started.push(node.title),
        onNodeExcluded: ({ node }) => excluded.push(node.title),
      });
      // Rivet fires node events without awaiting them; let any still-queued listeners run before reading.
      await new Promise((resolve) => setImmediate(resolve));
      return { output, started, excluded };
    },
  };
}
