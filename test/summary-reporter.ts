/**
 * Prints the closing line CI reads: `N passed, N failed, N skipped`.
 * Counts individual tests across every vitest project.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const perProject = new Map<string, number>();
    for (const m of modules) {
      const project = m.project.name;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') {
          passed++;
          perProject.set(project, (perProject.get(project) ?? 0) + 1);
        } else if (s === 'failed') failed++;
        else skipped++;
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
    }
    for (const [name, n] of perProject) console.log(`project ${name}: ${n} passed`);
    console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
