// A placeholder until the canvas editor lands: it shows that the app is running and lists the node types, read
// straight from the runtime's registry (which proves the runtime's schema and node types load in a browser).
import { BUILTIN_NODE_TYPES } from '@groundwork/runtime/node-types';

const app = document.querySelector<HTMLElement>('#app')!;

const heading = document.createElement('h1');
heading.textContent = 'Groundwork';
const intro = document.createElement('p');
intro.textContent =
  'The flow editor is on its way. Meanwhile, flows run from the command line: npx groundwork run examples/support-triage.flow.yaml --input message="..."';

const list = document.createElement('ul');
list.className = 'node-types';
for (const type of BUILTIN_NODE_TYPES) {
  const item = document.createElement('li');
  const name = document.createElement('strong');
  name.textContent = type.title;
  const description = document.createElement('span');
  description.textContent = ` — ${type.description}`;
  item.append(name, description);
  list.append(item);
}

const status = document.createElement('p');
status.className = 'status';
status.textContent = 'Checking the server…';
fetch('/api/health')
  .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
  .then(() => {
    status.textContent = 'Server: running';
  })
  .catch((error: Error) => {
    status.textContent = `Server: not reachable (${error.message})`;
  });

app.append(heading, intro, status, list);
