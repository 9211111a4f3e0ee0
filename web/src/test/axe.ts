import axe from 'axe-core';
import { expect } from 'vitest';

/// Runs axe-core's WCAG 2.1 A/AA rules over what a test rendered and fails on any violation, as the
/// end-to-end walk does on whole pages. Two rules are left to that walk, as jsdom cannot run them:
/// colour contrast (jsdom lays nothing out) and label-in-name (it measures text on a canvas).
export async function expectAccessible(container: Element): Promise<void> {
  const results = await axe.run(container, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    rules: { 'color-contrast': { enabled: false }, 'label-content-name-mismatch': { enabled: false } },
  });
  const found = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(found).toEqual([]);
}
