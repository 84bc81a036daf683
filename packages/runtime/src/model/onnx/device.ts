import { ModelLoadError } from './model-load-error.js';

export type DeviceRequest = 'auto' | 'cpu' | 'webgpu' | 'cuda';
export type Provider = 'cpu' | 'webgpu' | 'cuda';

export const DEVICE_REQUESTS: readonly DeviceRequest[] = ['auto', 'cpu', 'webgpu', 'cuda'];

/** The provider a model runs on, and why each provider tried before it was not used. */
export interface ProviderChoice {
  provider: Provider;
  reasons: Partial<Record<Provider, string>>;
}

/** Reads a device setting (GROUNDWORK_DEVICE, --device); empty means auto. */
export function parseDeviceRequest(value: string | undefined): DeviceRequest {
  if (value === undefined || value === '') return 'auto';
  if ((DEVICE_REQUESTS as readonly string[]).includes(value)) return value as DeviceRequest;
  throw new ModelLoadError('no-device', `device "${value}" is not one of ${DEVICE_REQUESTS.join(', ')}`);
}

/**
 * One line for a model that loaded: its name and graph, the provider and why others were passed over, and what the
 * engine changed in the graph in memory, if anything.
 */
export function describeLoadedModel(info: {
  name: string;
  dtype: string;
  provider: Provider;
  providerReasons: ProviderChoice['reasons'];
  graphChanges: readonly string[];
}): string {
  const choice = describeProviderChoice({ provider: info.provider, reasons: info.providerReasons });
  const changes = info.graphChanges.length ? `; graph changed in memory: ${info.graphChanges.join('; ')}` : '';
  return `model ${info.name} (${info.dtype}) runs on ${choice}${changes}`;
}

/** One line for logs: the provider, and why the ones tried before it were passed over. */
export function describeProviderChoice(choice: ProviderChoice): string {
  const skipped = Object.entries(choice.reasons).map(([provider, reason]) => `${provider}: ${reason}`);
  return skipped.length ? `${choice.provider} (${skipped.join('; ')})` : choice.provider;
}
