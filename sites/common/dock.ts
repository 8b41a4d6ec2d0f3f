// Docks the sidebar beside the page instead of over it: the page's root (<html>) is narrowed by the
// sidebar's width, so the page lays itself out in what is left. Full-viewport apps (Gmail, Outlook)
// position their shell against the viewport (`position: fixed`/`absolute`, compose windows pinned
// to its right edge): for them <html> also becomes the containing block of fixed and absolute
// boxes (`contain: layout`) and at least as tall as the viewport. Pages whose document scrolls
// (LinkedIn) keep their fixed header on the viewport: only their width is narrowed.
// See docs/decisions/0037-sidebar-docked-beside-the-page.md.

export const MIN_WIDTH = 260;
const MAX_WIDTH = 720;

/** A width the sidebar may take in a viewport this wide: at least MIN_WIDTH, at most 60 % of it. */
export function clampWidth(width: number, viewport: number): number {
  const max = Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.round(viewport * 0.6)));
  return Math.min(max, Math.max(MIN_WIDTH, Math.round(width) || MIN_WIDTH));
}

/** The declarations <html> gets while the sidebar is `width` pixels wide (none at 0). */
export function dockDeclarations(width: number, appShell: boolean): [string, string][] {
  if (width <= 0) return [];
  const narrowed: [string, string][] = [['width', `calc(100% - ${width}px)`]];
  return appShell
    ? [...narrowed, ['contain', 'layout'], ['min-height', '100%'], ['box-sizing', 'border-box']]
    : [...narrowed, ['box-sizing', 'border-box']];
}

export interface Dock {
  /** Reserves `width` pixels at the right (0 gives the page its whole width back). */
  set(width: number): void;
  /** Puts back what the page had and stops watching. */
  release(): void;
}

/**
 * Keeps `<html>` narrowed as asked: inline `!important` declarations (a stylesheet cannot undo
 * them), put back when the page rewrites its root's style; the page's own inline values for these
 * properties come back on release.
 */
export function dockPage(root: HTMLElement, appShell: boolean): Dock {
  let wanted: [string, string][] = [];
  const saved = new Map<string, [string, string]>();
  // What the browser reads back for each value set (its serialisation may differ from ours).
  const written = new Map<string, string>();
  const apply = () => {
    for (const [name, value] of wanted) {
      const have = root.style.getPropertyValue(name);
      if (have && have === written.get(name) && root.style.getPropertyPriority(name) === 'important') continue;
      if (!saved.has(name)) saved.set(name, [have, root.style.getPropertyPriority(name)]);
      root.style.setProperty(name, value, 'important');
      written.set(name, root.style.getPropertyValue(name));
    }
  };
  const restore = (names: Set<string>) => {
    for (const [name, [value, priority]] of saved) {
      if (names.has(name)) continue;
      saved.delete(name);
      written.delete(name);
      if (value) root.style.setProperty(name, value, priority);
      else root.style.removeProperty(name);
    }
  };
  const observer = new MutationObserver(apply);
  observer.observe(root, { attributes: true, attributeFilter: ['style'] });
  return {
    set(width) {
      wanted = dockDeclarations(width, appShell);
      restore(new Set(wanted.map(([n]) => n)));
      written.clear(); // set every wanted value again (a new width)
      apply();
      observer.takeRecords();
    },
    release() {
      observer.disconnect();
      wanted = [];
      restore(new Set());
    },
  };
}
