import type { NodeResult } from '../node-types/node-type.js';
import type { RunErrorInfo } from '../schema/events.js';
import type { EventSink } from './event-sink.js';
import type { NodeAttempt } from './node-attempt.js';

/** The node events of one run or sub-run, scoped; built only when someone listens. */
export class NodeEvents {
  private readonly scoped: { scope?: string };

  constructor(
    private readonly sink: EventSink,
    scope: string | undefined,
  ) {
    this.scoped = scope === undefined ? {} : { scope };
  }

  start(attempt: NodeAttempt): void {
    if (!this.sink.enabled) return;
    const { node, variant } = attempt;
    this.sink.emit({
      type: 'node-start',
      nodeId: node.id,
      ...this.scoped,
      nodeType: node.nodeType.type,
      attempt: attempt.attempt,
      inputs: attempt.inputs,
      ...(variant === undefined ? {} : { variant }),
    });
  }

  token(attempt: NodeAttempt, text: string): void {
    this.sink.emit({ type: 'node-token', nodeId: attempt.node.id, ...this.scoped, text });
  }

  end(attempt: NodeAttempt, result: NodeResult): void {
    if (!this.sink.enabled) return;
    this.sink.emit({
      type: 'node-end',
      nodeId: attempt.node.id,
      ...this.scoped,
      outputs: result.outputs,
      durationMs: performance.now() - attempt.startedAt,
      attempts: attempt.attempt,
      ...(result.usage ? { usage: result.usage } : {}),
    });
  }

  skip(nodeId: string, reason: string): void {
    this.sink.emit({ type: 'node-skip', nodeId, ...this.scoped, reason });
  }

  error(attempt: NodeAttempt, error: RunErrorInfo, willRetry: boolean): void {
    this.sink.emit({
      type: 'node-error',
      nodeId: attempt.node.id,
      ...this.scoped,
      attempt: attempt.attempt,
      error,
      willRetry,
      durationMs: performance.now() - attempt.startedAt,
    });
  }
}
