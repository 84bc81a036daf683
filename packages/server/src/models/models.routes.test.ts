import { ScriptedModel } from '@groundwork/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import type { ModelListing } from './model-host.js';
import { modelsResponseSchema } from './models.routes.js';

const listing: ModelListing[] = [
  {
    name: 'tiny',
    path: '/srv/models/tiny',
    layout: 'optimum',
    dtype: 'fp32',
    dtypes: ['fp32', 'q4'],
    sizeBytes: 1000,
    contextLength: 512,
    hasChatTemplate: false,
    loaded: {
      provider: 'cpu',
      providerReasons: { cuda: 'no CUDA libraries' },
      dtype: 'fp32',
      graphChanges: ['24 SiLU-gated MLPs split into parts (decision 0016)'],
    },
  },
  { name: 'broken', path: '/srv/models/broken', problem: 'no tokenizer.json' },
];

describe('GET /api/models', () => {
  let test: TestApp;
  let url: string;

  beforeAll(async () => {
    test = await startTestApp({
      provider: new ScriptedModel('tiny', () => ''),
      device: 'auto',
      list: async () => listing,
    });
    url = test.url;
  });

  afterAll(() => test.close());

  it('lists the models with the device setting, without their paths on the server', async () => {
    const response = await fetch(`${url}/api/models`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({
      device: 'auto',
      models: listing.map(({ path: _path, ...rest }) => rest),
    });
    expect(JSON.stringify(body)).not.toContain('/srv/models');
    expect(modelsResponseSchema.parse(body)).toEqual(body);
  });

  it('is not behind API keys: the editor uses it', async () => {
    test.app.context.keys.create('ci');
    expect((await fetch(`${url}/api/models`)).status).toBe(200);
  });
});
