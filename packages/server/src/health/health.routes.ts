import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Router } from 'express';
import type { AppContext } from '../context.js';

/**
 * `GET /api/health`: the server is up, and how long its event loop has been kept waiting (the model engine runs in
 * a worker, so this stays low while models generate; bench/http reads it under load).
 */
export function healthRouter(context: AppContext): Router {
  const resolutionMs = 10;
  const delay = monitorEventLoopDelay({ resolution: resolutionMs });
  delay.enable();
  // The histogram records each sampling interval plus its lag: the lag is what is left after the interval.
  const milliseconds = (nanoseconds: number) => Math.max(0, Math.round((nanoseconds / 1e6 - resolutionMs) * 100) / 100);
  return Router().get('/health', (request, response) => {
    const body = {
      status: 'ok',
      device: context.models.device,
      eventLoopDelayMs: {
        p50: milliseconds(delay.percentile(50)),
        p99: milliseconds(delay.percentile(99)),
        max: milliseconds(delay.max),
      },
    };
    if (request.query.reset === 'true') delay.reset();
    response.json(body);
  });
}
