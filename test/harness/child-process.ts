import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A real child process whose output the test reads line by line: a test waits until the child
 * says it reached a point (no sleeping), then kills it or lets it finish.
 */
export interface Child {
  process: ChildProcess;
  pid: number;
  /** Every line so far on stdout and stderr, in arrival order per stream. */
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first line (on either stream) that matches, including lines already read. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the child has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Writes one line to its stdin. */
  send(line: string): void;
}

export function startChild(args: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Child {
  const child = spawn(process.execPath, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const take = (into: string[]) => (line: string) => {
    into.push(line);
    for (const w of [...waiters])
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
  };
  createInterface({ input: child.stdout! }).on('line', take(stdout));
  createInterface({ input: child.stderr! }).on('line', take(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    pid: child.pid!,
    stdout,
    stderr,
    exited,
    send: (line) => void child.stdin!.write(`${line}\n`),
    waitForLine(pattern, timeoutMs = 60_000) {
      const seen = [...stdout, ...stderr].find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `child ${child.pid} printed no line matching ${pattern} in ${timeoutMs} ms.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
              ),
            ),
          timeoutMs,
        );
        const waiter = {
          pattern,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (!waiters.includes(waiter)) return;
          clearTimeout(timer);
          reject(
            new Error(
              `child ${child.pid} exited before printing a line matching ${pattern}.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
            ),
          );
        });
      });
    },
  };
}

/** Kills the child (if still running) and waits for it to be gone. */
export async function killChild(child: Child, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
  await child.exited;
}
