// @vitest-environment jsdom
// Docking the sidebar beside the page: the width <html> keeps while it is open, given back when it
// closes, and kept when the page rewrites its root's style.
import { afterEach, describe, expect, it } from 'vitest';
import { MIN_WIDTH, clampWidth, dockPage } from '../../../sites/common/dock';

const root = () => document.documentElement;
const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => root().removeAttribute('style'));

describe('clampWidth', () => {
  it('keeps the width between the minimum and 60 % of the window', () => {
    expect(clampWidth(340, 1400)).toBe(340);
    expect(clampWidth(100, 1400)).toBe(MIN_WIDTH);
    expect(clampWidth(1000, 1000)).toBe(600);
    expect(clampWidth(Infinity, 3000)).toBe(720);
    // A window too narrow for both: the sidebar keeps its minimum.
    expect(clampWidth(340, 300)).toBe(MIN_WIDTH);
    expect(clampWidth(Number.NaN, 1400)).toBe(MIN_WIDTH);
  });
});

describe('dockPage', () => {
  it('narrows <html> by the width while open, and gives the width back at 0', () => {
    const dock = dockPage(root(), false);
    dock.set(340);
    expect(root().style.getPropertyValue('width')).toBe('calc(100% - 340px)');
    expect(root().style.getPropertyPriority('width')).toBe('important');
    expect(root().style.getPropertyValue('contain')).toBe('');
    dock.set(400);
    expect(root().style.getPropertyValue('width')).toBe('calc(100% - 400px)');
    dock.set(0);
    expect(root().getAttribute('style') ?? '').toBe('');
    dock.release();
  });

  it('an app shell: <html> also holds its fixed and absolute boxes, and is as tall as the window', () => {
    const dock = dockPage(root(), true);
    dock.set(340);
    expect(root().style.getPropertyValue('contain')).toBe('layout');
    expect(root().style.getPropertyValue('min-height')).toBe('100%');
    dock.release();
    expect(root().getAttribute('style') ?? '').toBe('');
  });

  it("puts its width back when the page rewrites its root's style, and the page's own values on release", async () => {
    root().setAttribute('style', 'width: 90%; color: red');
    const dock = dockPage(root(), false);
    dock.set(340);
    root().setAttribute('style', 'color: blue');
    await flush();
    expect(root().style.getPropertyValue('width')).toBe('calc(100% - 340px)');
    expect(root().style.color).toBe('blue');
    dock.release();
    expect(root().style.getPropertyValue('width')).toBe('90%');
    expect(root().style.getPropertyPriority('width')).toBe('');
  });
});
