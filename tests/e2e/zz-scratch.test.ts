import { it } from 'vitest';
import { launchWithExtension } from './harness/browser';
it('debug', async () => {
  const ext = await launchWithExtension();
  try {
    await ext.evaluateInWorker(() => { (globalThis as any).marker = 42; });
    const page = await ext.browser.newPage();
    const s = await page.createCDPSession();
    s.on('ServiceWorker.workerVersionUpdated', (e: any) => console.log('ver', JSON.stringify(e.versions.map((v: any) => [v.versionId, v.scriptURL, v.runningStatus, v.status]))));
    s.on('ServiceWorker.workerRegistrationUpdated', (e: any) => console.log('reg', JSON.stringify(e)));
    await s.send('ServiceWorker.enable');
    await new Promise(r => setTimeout(r, 500));
    await s.send('ServiceWorker.stopAllWorkers');
    await new Promise(r => setTimeout(r, 1500));
    console.log(ext.browser.targets().map(t => t.type() + ' ' + t.url()));
    console.log('marker', await ext.evaluateInWorker(() => (globalThis as any).marker ?? null));
  } finally { await ext.close(); }
});
