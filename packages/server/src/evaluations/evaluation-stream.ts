import type { Request, Response } from 'express';
import { openEventStream } from '../http/event-stream.js';
import { HEARTBEAT_MS } from '../runs/run-stream.js';
import type { Evaluation } from './evaluations.schemas.js';
import type { EvaluationEvent, LiveEvaluation } from './live-evaluation.js';

/**
 * An evaluation's events as Server-Sent Events: `progress` now, then (while it runs here) `item-end` per item,
 * `progress` at most ~4 times a second, and `evaluation-end` last, which ends the response. An evaluation that is
 * not running answers its progress and its end at once. There is no replay: a client that reconnects gets the
 * progress as it stands (the results endpoint has every item).
 */
export function streamEvaluation(
  request: Request,
  response: Response,
  source: { live: LiveEvaluation | undefined; evaluation: Evaluation },
): void {
  openEventStream(request, response);
  let id = 0;
  const write = (event: EvaluationEvent) => {
    response.write(`id: ${++id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  };
  const { live, evaluation } = source;
  if (!live) {
    write({ type: 'progress', data: evaluation.progress });
    write({ type: 'evaluation-end', data: { status: evaluation.status } });
    response.end();
    return;
  }
  const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
  let unsubscribe = () => {};
  const finish = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  unsubscribe = live.subscribe((event) => {
    write(event);
    if (event.type === 'evaluation-end') {
      finish();
      response.end();
    }
  });
  response.on('close', finish);
  write({ type: 'progress', data: live.progress });
}
