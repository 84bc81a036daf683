import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION } from './flow.js';
import { parseFlowDocument } from './flow-document.js';
import { FLOW_MIGRATIONS, type FlowMigration, migrateFlowDocument } from './migrations.js';

/**
 * A made-up history for the tests: version 1 called the nodes `steps`, version 2 renamed them `nodes`, and version 3
 * moved `title` into `description`. Each step records that it ran and which version it was given.
 */
function fakeChain() {
  const calls: string[] = [];
  const migrations: Record<number, FlowMigration> = {
    1: (document) => {
      calls.push(`1->2 saw schemaVersion ${String(document.schemaVersion)}`);
      const { steps, ...rest } = document;
      return { ...rest, nodes: steps };
    },
    2: (document) => {
      calls.push(`2->3 saw schemaVersion ${String(document.schemaVersion)}`);
      const { title, ...rest } = document;
      return { ...rest, description: title };
    },
  };
  return { calls, migrations };
}

describe('migrateFlowDocument', () => {
  it('applies every step from the document version up to the current one, in order', () => {
    const { calls, migrations } = fakeChain();
    const original = { schemaVersion: 1, name: 'old', title: 'An old flow', steps: [{ id: 'a', type: 'input' }] };
    const snapshot = structuredClone(original);

    const result = migrateFlowDocument(original, { currentVersion: 3, migrations });

    expect(result).toEqual({
      ok: true,
      document: { schemaVersion: 3, name: 'old', description: 'An old flow', nodes: [{ id: 'a', type: 'input' }] },
    });
    // Each step sees the version it upgrades from: the hook sets schemaVersion between steps.
    expect(calls).toEqual(['1->2 saw schemaVersion 1', '2->3 saw schemaVersion 2']);
    expect(original).toEqual(snapshot);
  });

  it('starts from the version the document has, skipping older steps', () => {
    const { calls, migrations } = fakeChain();
    const result = migrateFlowDocument(
      { schemaVersion: 2, name: 'mid', title: 't', nodes: [] },
      { currentVersion: 3, migrations },
    );
    expect(result).toEqual({ ok: true, document: { schemaVersion: 3, name: 'mid', description: 't', nodes: [] } });
    expect(calls).toEqual(['2->3 saw schemaVersion 2']);
  });

  it('returns a document of the current version as it is, running no step', () => {
    const { calls, migrations } = fakeChain();
    const document = { schemaVersion: 3, name: 'new', nodes: [] };
    const result = migrateFlowDocument(document, { currentVersion: 3, migrations });
    expect(result).toEqual({ ok: true, document });
    expect(calls).toEqual([]);
  });

  it('refuses a document newer than this build and says to upgrade', () => {
    const { calls, migrations } = fakeChain();
    expect(migrateFlowDocument({ schemaVersion: 4, nodes: [] }, { currentVersion: 3, migrations })).toEqual({
      ok: false,
      message: 'schemaVersion 4 is newer than this Groundwork understands (3); upgrade Groundwork to open this flow',
    });
    expect(calls).toEqual([]);
  });

  it('names the step that is missing from the chain', () => {
    const { migrations } = fakeChain();
    const { 2: _dropped, ...withoutSecond } = migrations;
    expect(
      migrateFlowDocument({ schemaVersion: 1, steps: [] }, { currentVersion: 3, migrations: withoutSecond }),
    ).toEqual({
      ok: false,
      message: 'no migration from schemaVersion 2 to 3',
    });
  });

  it('says what this build writes when schemaVersion is missing', () => {
    expect(migrateFlowDocument({ name: 'x', nodes: [] }, { currentVersion: 3 })).toEqual({
      ok: false,
      message: 'schemaVersion is missing; this Groundwork writes schemaVersion: 3',
    });
  });

  it.each([
    ['"1"', '1'],
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['null', null],
  ])('refuses schemaVersion %s, which is not a whole number from 1', (written, version) => {
    expect(migrateFlowDocument({ schemaVersion: version, nodes: [] })).toEqual({
      ok: false,
      message: `schemaVersion must be a whole number from 1, got ${written}`,
    });
  });

  it('uses the built-in chain and version by default, which open a current document unchanged', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(1);
    // Every version before the current one must have a step, or old files could not be opened.
    for (let from = 1; from < CURRENT_SCHEMA_VERSION; from++)
      expect(FLOW_MIGRATIONS[from], `step ${from}`).toBeTypeOf('function');
    const document = { schemaVersion: CURRENT_SCHEMA_VERSION, name: 'x', nodes: [] };
    expect(migrateFlowDocument(document)).toEqual({ ok: true, document });
  });
});

describe('parseFlowDocument and versions', () => {
  it('reports an unsupported version at schemaVersion, before any shape check', () => {
    // The other fields are wrong too; a newer document may have a different shape, so only the version is reported.
    expect(parseFlowDocument({ schemaVersion: 9, name: 'has space', nodes: 'none' })).toEqual({
      ok: false,
      problems: [
        {
          code: 'unsupported-version',
          path: ['schemaVersion'],
          message:
            'schemaVersion 9 is newer than this Groundwork understands (1); upgrade Groundwork to open this flow',
        },
      ],
    });
  });

  it('refuses a document that is not a mapping', () => {
    for (const document of [null, [], 'flow', 1]) {
      expect(parseFlowDocument(document)).toEqual({
        ok: false,
        problems: [
          { code: 'schema', path: [], message: 'a flow must be a mapping with schemaVersion, name and nodes' },
        ],
      });
    }
  });
});
