// Dedicated worker of the options page: parsing and storing happen off the page's main thread.
import { runImport, type WorkerReply } from './import-job';
import { describeStorageError } from '../storage/errors';
import type { CsvMapping } from './csv';

const post = (m: WorkerReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (e: MessageEvent<{ file: File; mapping?: CsvMapping }>) => {
  try {
    let last = 0;
    const summary = await runImport(
      e.data.file,
      (progress) => {
        const now = performance.now();
        if (now - last > 100) {
          last = now;
          post({ type: 'progress', progress });
        }
      },
      undefined,
      undefined,
      { mapping: e.data.mapping },
    );
    post({ type: 'done', summary });
  } catch (err) {
    post({ type: 'failed', message: describeStorageError(err) });
  }
};
