import { useEffect, useState } from 'react';

export type ServerStatus = 'checking' | 'up' | 'down';

/** While the server answers, a check now and then is enough; while it is down, look sooner so the banner goes away. */
const UP_INTERVAL_MS = 15_000;
const DOWN_INTERVAL_MS = 3_000;

/** Whether `/api/health` answers: the editor is useless without the server, and says so instead of failing quietly. */
export function useServerStatus(): ServerStatus {
  const [status, setStatus] = useState<ServerStatus>('checking');
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      let next: ServerStatus;
      try {
        const response = await fetch('/api/health', { headers: { accept: 'application/json' } });
        // A dev server without the proxy target answers 5xx (or its own HTML): treat anything but ok as down.
        next = response.ok ? 'up' : 'down';
      } catch {
        next = 'down';
      }
      if (stopped) return;
      setStatus(next);
      timer = setTimeout(check, next === 'up' ? UP_INTERVAL_MS : DOWN_INTERVAL_MS);
    };
    void check();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return status;
}
