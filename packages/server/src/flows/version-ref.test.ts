import { describe, expect, it } from 'vitest';
import type { FlowSummary } from './flows.repository.js';
import { publishedVersion, resolveVersionRef } from './version-ref.js';

const flow = (labels: Record<string, number>): FlowSummary => ({
  id: 'flw_1',
  name: 'triage',
  description: null,
  latestVersion: 4,
  createdAt: '2026-11-21T00:00:00.000Z',
  updatedAt: '2026-11-21T00:00:00.000Z',
  labels,
});

describe('resolveVersionRef', () => {
  it('takes version numbers, labels and latest', () => {
    const triage = flow({ production: 2 });
    expect(resolveVersionRef(triage, 3)).toBe(3);
    expect(resolveVersionRef(triage, '1')).toBe(1);
    expect(resolveVersionRef(triage, 'production')).toBe(2);
    expect(resolveVersionRef(triage, 'latest')).toBe(4);
  });

  it('names what there is when the reference names nothing', () => {
    expect(() => resolveVersionRef(flow({}), 9)).toThrow('flow "triage" has no version 9 (versions 1 to 4)');
    expect(() => resolveVersionRef(flow({}), '0')).toThrow('has no version 0');
    expect(() => resolveVersionRef(flow({ production: 2, staging: 3 }), 'prod')).toThrow(
      'flow "triage" has no version or label "prod" (give a number from 1 to 4, latest, or a label: production, staging)',
    );
  });
});

describe('publishedVersion', () => {
  it('is the production label when there is one, else the latest version', () => {
    expect(publishedVersion(flow({ production: 2 }))).toEqual({ version: 2, label: 'production' });
    expect(publishedVersion(flow({ staging: 3 }))).toEqual({ version: 4, label: null });
  });
});
