// The engine's worker thread: it owns every ONNX Runtime session, because session.run() blocks the thread that
// calls it and the main thread must stay free to serve requests and stream events.
import { parentPort } from 'node:worker_threads';
import { ModelRunner, serializeError } from './model-runner.js';
import type { FromWorker, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('the ONNX engine worker must run in a worker thread');

const runners = new Map<string, Promise<ModelRunner>>();
/** Which runner holds each request in progress, for cancellation. */
const owners = new Map<number, ModelRunner>();

const send = (message: FromWorker) => {
  if (message.type === 'result' || message.type === 'error') owners.delete(message.id);
  port.postMessage(message);
};

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'load': {
      let runner = runners.get(message.key);
      if (!runner) {
        runner = ModelRunner.load(message.folder, message.device, message.threads);
        runners.set(message.key, runner);
        // A model that failed to load may load after the folder is fixed: do not keep the failure.
        runner.catch(() => runners.delete(message.key));
      }
      runner.then(
        (loaded) => send({ type: 'loaded', id: message.id, info: loaded.info }),
        (error: unknown) => send({ type: 'error', id: message.id, error: serializeError(error) }),
      );
      return;
    }
    case 'generate': {
      const runner = runners.get(message.key);
      if (!runner) {
        for (const id of message.ids)
          send({ type: 'error', id, error: { code: 'not-loaded', message: `model ${message.key} is not loaded` } });
        return;
      }
      runner.then(
        (loaded) => {
          message.requests.forEach((request, index) => {
            const id = message.ids[index]!;
            owners.set(id, loaded);
            loaded.enqueue(id, request, send);
          });
        },
        (error: unknown) => {
          for (const id of message.ids) send({ type: 'error', id, error: serializeError(error) });
        },
      );
      return;
    }
    case 'cancel':
      owners.get(message.id)?.cancel(message.id);
      return;
  }
});
