import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * On Lambda the process is frozen once the response is sent, so work started with
 * `tasks.start(...)` in a listener is lost there. Long work goes through the work dispatcher
 * (`deps.work.dispatch`), which runs it here after the ack or hands it to the worker function.
 * Only the in-process dispatcher and BackgroundTasks itself may start a background task.
 */
const ALLOWED = new Set(['src/slack/work-dispatch.ts', 'src/slack/background-tasks.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('long work in the Slack layer', () => {
  it('is never started with tasks.start outside the in-process dispatcher', () => {
    const root = join(import.meta.dirname, '../..');
    const offenders = sources(join(root, 'src/slack'))
      .map((file) => relative(root, file))
      .filter((file) => !ALLOWED.has(file))
      .flatMap((file) =>
        readFileSync(join(root, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (/\btasks\s*(\?\.|\.)\s*start\s*\(/.test(line) ? [`${file}:${i + 1}`] : [])),
      );
    expect(offenders).toEqual([]);
  });
});
