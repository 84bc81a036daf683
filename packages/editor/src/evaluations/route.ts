import { useEffect, useState } from 'react';

/**
 * Where the evaluation pages live: in the location hash (`#/evaluations/...`), so the browser's back button, a
 * reload and a copied link all come back to the same page, without a router or server-side routes.
 */
export type EvaluationRoute =
  | { page: 'list' }
  | { page: 'datasets'; dataset?: string }
  | { page: 'new'; flow?: string; dataset?: string }
  | { page: 'evaluation'; id: string }
  | { page: 'compare'; a?: string; b?: string; metric?: string };

const PREFIX = '#/evaluations';

export function isEvaluationHash(hash: string): boolean {
  return hash === PREFIX || hash.startsWith(`${PREFIX}/`) || hash.startsWith(`${PREFIX}?`);
}

export function parseRoute(hash: string): EvaluationRoute {
  const rest = hash.slice(PREFIX.length);
  const [path = '', search = ''] = rest.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(search);
  const param = (name: string) => params.get(name) || undefined;
  const withParams = <T extends object>(route: T, names: string[]) => {
    const present = Object.fromEntries(names.flatMap((name) => (param(name) ? [[name, param(name)]] : [])));
    return { ...route, ...present };
  };
  if (parts[0] === 'datasets') return parts[1] ? { page: 'datasets', dataset: parts[1] } : { page: 'datasets' };
  if (parts[0] === 'new') return withParams({ page: 'new' as const }, ['flow', 'dataset']);
  if (parts[0] === 'compare') return withParams({ page: 'compare' as const }, ['a', 'b', 'metric']);
  if (parts[0]) return { page: 'evaluation', id: parts[0] };
  return { page: 'list' };
}

export function routeHash(route: EvaluationRoute): string {
  const search = (values: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
    const text = params.toString();
    return text ? `?${text}` : '';
  };
  switch (route.page) {
    case 'list':
      return PREFIX;
    case 'datasets':
      return `${PREFIX}/datasets${route.dataset ? `/${encodeURIComponent(route.dataset)}` : ''}`;
    case 'new':
      return `${PREFIX}/new${search({ flow: route.flow, dataset: route.dataset })}`;
    case 'evaluation':
      return `${PREFIX}/${encodeURIComponent(route.id)}`;
    case 'compare':
      return `${PREFIX}/compare${search({ a: route.a, b: route.b, metric: route.metric })}`;
  }
}

export function navigate(route: EvaluationRoute | 'editor'): void {
  window.location.hash = route === 'editor' ? '' : routeHash(route);
}

/** The location hash, kept current as it changes. */
export function useLocationHash(): string {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}
