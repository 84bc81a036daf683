export interface CycleStep<E> {
  from: number;
  to: number;
  edge: E;
}

/**
 * One cycle per strongly connected component that has one (Tarjan's algorithm, iterative so long chains cannot
 * overflow the stack), each as the edges that walk it from its first node back to that node.
 */
export function findCycles<E>(successors: readonly (readonly { node: number; edge: E }[])[]): CycleStep<E>[][] {
  const count = successors.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    const work: { node: number; next: number }[] = [{ node: root, next: 0 }];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = successors[frame.node]!;
      if (frame.next < edges.length) {
        const target = edges[frame.next++]!.node;
        if (index[target] === -1) {
          index[target] = low[target] = counter++;
          stack.push(target);
          onStack[target] = 1;
          work.push({ node: target, next: 0 });
        } else if (onStack[target]) {
          low[frame.node] = Math.min(low[frame.node]!, index[target]!);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent.node] = Math.min(low[parent.node]!, low[frame.node]!);
      if (low[frame.node] === index[frame.node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }

  const cycles: CycleStep<E>[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = Math.min(...component);
    const selfLoop = successors[start]!.find((s) => s.node === start);
    if (component.length === 1 && !selfLoop) continue;
    cycles.push(
      selfLoop ? [{ from: start, to: start, edge: selfLoop.edge }] : shortestCycle(start, members, successors),
    );
  }
  return cycles.sort((a, b) => a[0]!.from - b[0]!.from);
}

/** Breadth-first from `start` inside its component back to `start`. */
function shortestCycle<E>(
  start: number,
  members: Set<number>,
  successors: readonly (readonly { node: number; edge: E }[])[],
): CycleStep<E>[] {
  const via = new Map<number, CycleStep<E>>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const { node: next, edge } of successors[node]!) {
      if (!members.has(next)) continue;
      if (next === start) {
        const steps: CycleStep<E>[] = [{ from: node, to: start, edge }];
        for (let at = node; at !== start; ) {
          const step = via.get(at)!;
          steps.unshift(step);
          at = step.from;
        }
        return steps;
      }
      if (via.has(next)) continue;
      via.set(next, { from: node, to: next, edge });
      queue.push(next);
    }
  }
  throw new Error('a strongly connected component without a cycle');
}
