import { type Flow, type FlowProblem, formatProblem, loadFlowYaml, saveFlowYaml } from '@groundwork/runtime/schema';

/** The `*.flow.yaml` file of a document, exactly as the server's export writes it. */
export function flowFile(flow: Flow): { fileName: string; text: string } {
  return { fileName: `${flow.name}.flow.yaml`, text: saveFlowYaml(flow) };
}

/** Hands a text to the browser as a download, without a round trip to the server (unsaved edits included). */
export function downloadText(fileName: string, text: string, type = 'application/yaml'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: some browsers start the download only after the click handler returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export type ImportResult = { ok: true; flow: Flow } | { ok: false; fileName: string; problems: string[] };

/** Reads a chosen file as a flow document; what is wrong with it comes back one line per problem. */
export async function readFlowFile(file: File): Promise<ImportResult> {
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    return { ok: false, fileName: file.name, problems: [`the file cannot be read: ${(error as Error).message}`] };
  }
  const loaded = loadFlowYaml(text);
  if (loaded.ok) return { ok: true, flow: loaded.flow };
  return {
    ok: false,
    fileName: file.name,
    problems: loaded.problems.map((problem: FlowProblem) => formatProblem(problem)),
  };
}
