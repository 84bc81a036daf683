/** The history tests' flow, its three versions and a fake server answering for them. */
import { diffFlows, summarizeDiff } from '@groundwork/runtime/diff';
import type { Flow } from '@groundwork/runtime/schema';
import type { VersionEntry } from '../api/client.js';
import { useEditor } from '../state/editor-store.js';
import { type FakeServer, fakeServer, versionEntry } from '../testing/fake-server.js';
import { useSaveUi } from '../toolbar/save-store.js';

export const v1: Flow = {
  schemaVersion: 1,
  name: 'qa',
  nodes: [
    { id: 'ask', type: 'prompt', config: { template: 'Answer {{ question }} briefly' } },
    {
      id: 'answer',
      type: 'llm',
      config: { maxTokens: 64 },
      variants: [
        { name: 'formal', config: { temperature: 0 } },
        { name: 'loose', config: { temperature: 0.9 } },
      ],
    },
  ],
  edges: [{ from: 'ask.prompt', to: 'answer.prompt' }],
};
export const v2: Flow = { ...v1, description: 'answers questions' };
export const v3: Flow = {
  ...v2,
  nodes: [
    { id: 'ask', type: 'prompt', config: { template: 'Answer {{ question }} very briefly' } },
    { ...v2.nodes[1]!, variants: [{ name: 'formal', config: { temperature: 0.7 } }, v2.nodes[1]!.variants![1]!] },
  ],
};
export const flows: Record<number, Flow> = { 1: v1, 2: v2, 3: v3 };
const changes = (version: number) =>
  version === 1 ? [] : summarizeDiff(diffFlows(flows[version - 1]!, flows[version]!));

export interface HistoryFixture {
  server: FakeServer;
  /** What the version list answers, oldest first (the panel must list the newest first all the same). */
  versions: VersionEntry[];
}

/** Flow `flow_qa` with versions 1 to 3 (3 labelled production and published), open in the editor at v3. */
export function historyFixture(): HistoryFixture {
  const fixture: HistoryFixture = {
    server: fakeServer(),
    versions: [
      versionEntry(1, { note: 'first draft', labels: ['staging'] }),
      versionEntry(2, { changes: changes(2) }),
      versionEntry(3, { note: 'tighter', labels: ['production'], changes: changes(3) }),
    ],
  };
  const { server } = fixture;
  server.on('GET', '/api/flows/:id/versions', () => ({
    body: { versions: fixture.versions, published: { version: 3, label: 'production' } },
  }));
  server.on('GET', '/api/flows/:id/versions/:version', (request) => {
    const version = Number(request.params.version);
    return { body: { version: { ...versionEntry(version), flowId: 'flow_qa', flow: flows[version] } } };
  });
  server.on('GET', '/api/flows/:id/diff', (request) => {
    const from = Number(request.query.get('from'));
    const to = Number(request.query.get('to'));
    const diff = diffFlows(flows[from]!, flows[to]!);
    return {
      body: { flowId: 'flow_qa', from: versionEntry(from), to: versionEntry(to), diff, summary: summarizeDiff(diff) },
    };
  });
  useEditor.setState(useEditor.getInitialState(), true);
  useSaveUi.setState(useSaveUi.getInitialState(), true);
  useEditor.getState().load(v3, { id: 'flow_qa', version: 3, flow: v3 });
  return fixture;
}
