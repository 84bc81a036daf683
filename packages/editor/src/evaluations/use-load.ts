import { type DependencyList, useCallback, useEffect, useState } from 'react';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'error'; message: string; status: number }
  | { state: 'ready'; value: T };

/**
 * Calls `load` when `deps` change or `reload` is called, and says where that stands. What is on screen stays while
 * it loads again (no flash); an answer that arrives after the inputs changed is dropped.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: DependencyList,
): { loaded: Loaded<T>; reload(): void; set(value: T): void } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((count) => count + 1), []);
  const set = useCallback((value: T) => setLoaded({ state: 'ready', value }), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `deps` are the caller's; `reloads` is a trigger.
  useEffect(() => {
    let cancelled = false;
    setLoaded((current) => (current.state === 'ready' ? current : { state: 'loading' }));
    load().then(
      (value) => {
        if (!cancelled) setLoaded({ state: 'ready', value });
      },
      (error: Error & { status?: number }) => {
        if (!cancelled) setLoaded({ state: 'error', message: error.message, status: error.status ?? 0 });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [...deps, reloads]);

  return { loaded, reload, set };
}
