import { describe, expect, it } from 'vitest';
import { comparisonOf, toggleSelection } from './selection.js';

describe('picking versions to compare', () => {
  it('keeps at most two, letting go of the one picked first', () => {
    let selected = toggleSelection([], 5);
    selected = toggleSelection(selected, 2);
    expect(selected).toEqual([5, 2]);
    selected = toggleSelection(selected, 3);
    expect(selected).toEqual([2, 3]);
    expect(toggleSelection(selected, 2)).toEqual([3]);
  });

  it('compares the older with the newer, whatever the order of picking', () => {
    expect(comparisonOf([5, 2])).toEqual({ from: 2, to: 5 });
    expect(comparisonOf([2])).toBeUndefined();
  });
});
