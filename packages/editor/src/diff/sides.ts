import { createContext, useContext } from 'react';

/** What the two sides of a comparison are called in column heads: `v2` and `v5`, or two variants' names. */
export interface DiffSides {
  before: string;
  after: string;
}

export const DiffSidesContext = createContext<DiffSides>({ before: 'Before', after: 'After' });

export const useDiffSides = () => useContext(DiffSidesContext);

/** A field's path as people read it: `config.temperature` → `temperature`, with what was cut kept apart. */
export function splitFieldPath(path: string): { prefix: string; name: string } {
  return path.startsWith('config.') ? { prefix: 'config.', name: path.slice(7) } : { prefix: '', name: path };
}
