import { type CompiledFlow, nodeSeed, type PortType } from '@groundwork/runtime';

/**
 * A row's values as the flow's inputs, through the mapping (input → column). CSV cells are all text, so a cell is
 * converted when its input wants another type and the text reads as one (`3`, `true`, JSON); an empty cell of an
 * input that has a default or is optional is left out. Anything still wrong is the run's to report (a failed item).
 */
export function rowInputs(
  flow: CompiledFlow,
  mapping: Record<string, string>,
  row: Record<string, unknown>,
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const input of flow.inputs) {
    const column = mapping[input.name];
    if (column === undefined) continue;
    const value = row[column];
    if (value === undefined || value === null || (value === '' && input.type.kind !== 'text')) continue;
    inputs[input.name] = typeof value === 'string' ? fromText(value, input.type) : value;
  }
  return inputs;
}

function fromText(text: string, type: PortType): unknown {
  switch (type.kind) {
    case 'number': {
      const number = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(number) ? number : text;
    }
    case 'boolean':
      return text.trim() === 'true' ? true : text.trim() === 'false' ? false : text;
    case 'json':
    case 'list':
    case 'messages':
    case 'passages':
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/**
 * The seed of one item's run: a hash of the evaluation's seed, the combination and the row, so every item samples
 * differently and the same evaluation seed gives every item the same run again (a resume, a re-run).
 */
export function itemSeed(seed: number, combination: number, row: number): number {
  return nodeSeed(seed, `combination-${combination}`, `row-${row}`);
}
