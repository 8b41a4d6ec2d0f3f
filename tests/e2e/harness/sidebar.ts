// The sidebar's frame inside a host page, once it shows a card (or says the page is not capturable)
// and its buttons are on.
import type { Frame, Page } from 'puppeteer-core';

// Frames already handed out: after a reload the previous document's sidebar frame can stay listed
// (not yet marked detached) while the new one loads, so a frame is never handed out twice.
const handedOut = new WeakSet<Frame>();

export async function sidebarFrame(page: Page): Promise<Frame> {
  await page.waitForSelector('[data-testid="rapport-sidebar"]', { timeout: 30_000 });
  // After a reload the old, detached frame can linger in the list for a moment: take a live one.
  // Under heavy load puppeteer can also attach to an out-of-process frame late (its first Frame
  // object then never gets a context): keep looking until the deadline instead of failing at once.
  const deadline = Date.now() + 60_000;
  let lastError: unknown;
  let lastBody = '';
  while (Date.now() < deadline) {
    const f = page
      .frames()
      .filter((fr) => fr.url().includes('/sidebar.html') && !fr.detached && !handedOut.has(fr))
      .pop();
    if (f) {
      try {
        await f.waitForSelector('[data-testid="sidebar-contact"], [data-testid="not-a-profile"]', { timeout: 10_000 });
        // Its buttons act once the frame has seen itself on screen (visibility-guard.ts).
        await f.waitForSelector('html[data-actions="on"]', { timeout: 10_000 });
        handedOut.add(f);
        return f;
      } catch (e) {
        lastError = e;
        if (!f.detached) {
          lastBody = await Promise.race([
            f.evaluate(() => document.body.innerText.slice(0, 500)).catch((err: Error) => `(unreadable: ${err.message})`),
            new Promise<string>((r) => setTimeout(() => r('(no answer within 3 s)'), 3000)),
          ]);
        }
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (process.env.RAPPORT_E2E_SHOT) await page.screenshot({ path: process.env.RAPPORT_E2E_SHOT });
  throw new Error(`sidebar shows neither a card nor not-a-profile; it shows: ${lastBody || '(no sidebar frame found)'}`, {
    cause: lastError,
  });
}
