/**
 * Export from the GUI: asks the host for a run's bundle, has the host verify that very bundle
 * (the check a recipient would run), and saves it as a file through the browser's download.
 */
import type { ApiResponses } from '../../src-shared/api';
import type { RuntimeClient } from '../api/RuntimeClient';

export type ExportResult = { runId: string; fileName: string; report: ApiResponses['verifyBundle'] };

export async function exportRunToFile(client: RuntimeClient, runId: string): Promise<ExportResult> {
  const { fileName, bundle } = await client.call('exportRun', { runId });
  const report = await client.call('verifyBundle', { bundle });
  saveJson(fileName, bundle);
  return { runId, fileName, report };
}

function saveJson(fileName: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
