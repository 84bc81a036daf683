import { useEffect, useRef, useState } from 'react';
import { api, type EvaluationProgress, followEvaluation } from '../api/client.js';
import { useLoad } from './use-load.js';

/** How often the summary is fetched again while items finish (the stream says each one; the means need not). */
const SUMMARY_REFRESH_MS = 1500;

/**
 * An evaluation and its summary, followed live while it runs: `progress` events move the bar at once, finished
 * items fetch the summary again now and then, and the end (or the stream dropping) fetches everything again.
 */
export function useEvaluation(id: string) {
  const { loaded, reload, set } = useLoad(() => api.getEvaluation(id), [id]);
  const [live, setLive] = useState<EvaluationProgress | undefined>();
  const running = loaded.state === 'ready' && loaded.value.evaluation.status === 'running';
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (!running) return;
    const controller = new AbortController();
    setLive(undefined);
    const refreshSoon = () => {
      timer.current ??= setTimeout(() => {
        timer.current = undefined;
        reload();
      }, SUMMARY_REFRESH_MS);
    };
    followEvaluation(
      id,
      (event) => {
        if (event.type === 'progress') setLive(event.progress);
        else if (event.type === 'item-end') refreshSoon();
        else reload();
      },
      { signal: controller.signal },
    ).then(
      () => {
        if (!controller.signal.aborted) reload();
      },
      () => {
        if (!controller.signal.aborted) reload();
      },
    );
    return () => {
      controller.abort();
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [id, running, reload]);

  const progress = loaded.state === 'ready' ? (running && live ? live : loaded.value.evaluation.progress) : undefined;
  return { loaded, reload, set, progress };
}
