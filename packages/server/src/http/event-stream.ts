import type { Request, Response } from 'express';

/**
 * Starts a Server-Sent Events response: 200 with the event-stream headers sent at once, no buffering by proxies
 * (nginx would hold events back until the end) and no Nagle delay, so each event leaves when it is written.
 */
export function openEventStream(request: Request, response: Response): void {
  response.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  response.flushHeaders();
  request.socket.setNoDelay(true);
}
