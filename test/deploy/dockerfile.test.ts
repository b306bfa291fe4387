import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Docker is not on the machines that run these tests, so the image is not built here; this reads
 * the Dockerfile's instructions and checks the rules the image must keep.
 */
interface Instruction {
  stage: number;
  op: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  const out: Instruction[] = [];
  let stage = -1;
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [op = '', ...rest] = line.split(/\s+/);
    if (op.toUpperCase() === 'FROM') stage++;
    out.push({ stage, op: op.toUpperCase(), args: rest.join(' ') });
  }
  return out;
}

const all = instructions(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'));
const last = Math.max(...all.map((i) => i.stage));
const final = all.filter((i) => i.stage === last);
const ignored = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8').split('\n');

describe('Dockerfile', () => {
  it('builds on a small Node 20 base in every stage', () => {
    for (const from of all.filter((i) => i.op === 'FROM'))
      expect(from.args).toMatch(/^node:20-(slim|alpine)\b/);
  });

  it('installs production dependencies only in the final stage', () => {
    const installs = final.filter((i) => i.op === 'RUN' && /\bnpm (ci|install)\b/.test(i.args));
    expect(installs.length).toBeGreaterThan(0);
    for (const run of installs) expect(run.args).toMatch(/--omit=dev/);
  });

  it('runs as a non-root user, set after the last RUN', () => {
    const users = final.filter((i) => i.op === 'USER');
    expect(users.at(-1)?.args).toMatch(/^(node|[1-9]\d*)$/);
    const lastUser = final.lastIndexOf(users.at(-1)!);
    expect(final.slice(lastUser).some((i) => i.op === 'RUN')).toBe(false);
  });

  it('ships the prebuilt dist/ and starts `efs-encrypt serve`', () => {
    expect(final.some((i) => i.op === 'COPY' && /--from=\S+ \S*dist\b/.test(i.args))).toBe(true);
    expect(final.find((i) => i.op === 'ENTRYPOINT')?.args).toContain('bin/efs-encrypt.js');
    expect(final.find((i) => i.op === 'CMD')?.args).toBe('["serve"]');
  });

  it("starts Node with the options of bin/efs-encrypt.js's first line, as `npx efs-encrypt` does", () => {
    const shebang = readFileSync(new URL('../../bin/efs-encrypt.js', import.meta.url), 'utf8').split(
      '\n',
    )[0]!;
    const options = shebang
      .replace(/^#!\/usr\/bin\/env -S node\s*/, '')
      .split(/\s+/)
      .filter(Boolean);
    expect(options).toContain('--max-semi-space-size=8');
    const entry = JSON.parse(final.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
    expect(entry).toEqual(['node', ...options, 'bin/efs-encrypt.js']);
  });

  it('has a HEALTHCHECK on /healthz and listens on every interface', () => {
    expect(final.find((i) => i.op === 'HEALTHCHECK')?.args).toContain('/healthz');
    expect(final.find((i) => i.op === 'ENV')?.args).toMatch(/SLACK_HOST=0\.0\.0\.0/);
  });

  it('keeps node_modules, secrets files and the tests out of the build context', () => {
    for (const entry of ['node_modules', 'dist', '.env', 'test', '.git']) expect(ignored).toContain(entry);
  });
});
