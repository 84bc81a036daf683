import type { Request, Response } from 'express';
import { openEventStream } from '../http/event-stream.js';
import { HttpError } from '../http/http-error.js';
import type { LiveRun } from './live-run.js';
import type { StoredEvent } from './runs.repository.js';

/** Proxies drop idle connections after 30-60 s; a comment line every 15 s keeps a quiet run's stream open. */
export const HEARTBEAT_MS = 15_000;

/** Where a stream's events come from: the live run while it is in this process, else its stored log. */
export type EventSource = { live: LiveRun } | { stored: StoredEvent[] };

export interface StreamOptions {
  /** Send only events after this sequence number (Last-Event-ID). */
  after: number;
  heartbeatMs?: number;
  /** Called when the client goes away before the stream ended (published runs cancel then). */
  onClientGone?: () => void;
}

/** One event in the SSE wire format; the id lets a client resume with Last-Event-ID. */
export function formatEvent(event: StoredEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${event.data}\n\n`;
}

/**
 * The sequence number a client resumes after: the Last-Event-ID header (what EventSource sends on reconnect), else
 * `?after=`; 0 for the whole log.
 */
export function resumeAfter(request: Request): number {
  const header = request.get('last-event-id');
  const query = typeof request.query.after === 'string' ? request.query.after : undefined;
  const [value, where] = header !== undefined ? [header, 'header Last-Event-ID'] : [query, 'query.after'];
  if (value === undefined || value.trim() === '') return 0;
  const after = Number(value);
  if (!Number.isSafeInteger(after) || after < 0) {
    throw new HttpError('invalid-request', `${where}: must be an event id (a whole number from 0), got "${value}"`, {
      issues: [{ path: where, message: 'must be a whole number from 0' }],
    });
  }
  return after;
}

/**
 * Sends a run's events as Server-Sent Events: what there is after `after`, then (for a live run) each new event
 * until run-end, then ends the response. A finished run with nothing left to send gets 204, which tells
 * EventSource to stop reconnecting.
 */
export function streamEvents(request: Request, response: Response, source: EventSource, options: StreamOptions): void {
  let last = options.after;
  const backlog = 'live' in source ? source.live.events : source.stored;
  const pending = backlog.filter((event) => event.seq > last);
  const live = 'live' in source && !source.live.ended ? source.live : undefined;
  if (!live && pending.length === 0) {
    response.status(204).end();
    return;
  }
  openEventStream(request, response);

  let finished = false;
  let unsubscribe = () => {};
  const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    unsubscribe();
  };
  const send = (event: StoredEvent) => {
    // Replay and live overlap by design (subscribe first, then replay); sequence numbers drop the overlap.
    if (finished || event.seq <= last) return;
    last = event.seq;
    response.write(formatEvent(event));
    if (event.type === 'run-end') {
      finish();
      response.end();
    }
  };
  response.on('close', () => {
    if (finished) return;
    finish();
    options.onClientGone?.();
  });
  if (live) unsubscribe = live.subscribe(send);
  for (const event of pending) send(event);
  // A stored log of a run that never reached run-end (interrupted) ends with what there is.
  if (!live && !finished) {
    finish();
    response.end();
  }
}
