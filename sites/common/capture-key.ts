// A cheap identity of a page's result, so the content script re-sends a page only when what it
// shows has changed (it re-reads on every DOM change).
import type { PageCapture } from '../../messaging/protocol';

/** Two reads with the same key show the same thing. A profile's key counts its positions and
 * schools: LinkedIn's 2026 layout loads them after the top card, and a read that finds them must
 * reach the sidebar even when the top card's fields are unchanged. */
export function captureKey(result: PageCapture['result'], url: string): string {
  switch (result.kind) {
    case 'thread':
      return `t:${result.threadId}:${result.messages.length}:${result.messages.map((m) => (m.collapsed ? 0 : 1)).join('')}`;
    case 'profile':
      return `p:${result.publicId}:${result.currentTitle ?? ''}:${result.currentCompany ?? ''}:${result.headline ?? ''}:${result.experience.length}:${result.education.length}`;
    case 'company':
      return `c:${result.slug}`;
    case 'lead':
      return `l:${result.pageUrl}:${result.name}`;
    case 'compose':
      return `m:${result.recipients.map((r) => `${r.field}:${r.email}:${r.name}`).join(',')}`;
    default:
      return `n:${result.reason}:${url}`;
  }
}
