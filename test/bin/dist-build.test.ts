/**
 * The compiled CLI: bin/build-dist.js builds dist/ (the CLI, the scan worker, the files modules
 * read beside themselves, a stamp of the sources), `node bin/efs-encrypt.js` runs it, and the
 * compiled scan worker scans on its own thread without tsx. How fast it starts is the
 * benchmark's job (bench/startup.bench.ts), not a test's.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../bin/build-dist.js';
import { distFreshness } from '../../bin/dist-stamp.js';
import { ManualClock } from '../../src/domain/clock.ts';
import {
  estateAccounts,
  loadEstateFile,
  startEstateServer,
  type EstateServer,
} from '../../src/estate/index.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import type {
  FromScanWorker,
  ScanWorkerOptions,
  ToScanWorker,
} from '../../src/workflow/scan/parallel/messages.ts';
import type { FileSystemRecord } from '../../src/domain/inventory.ts';
import { restoreEnv, useExampleCredentials } from '../harness/sdk-env.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The packages a compiled file and the chunks it imports statically load (`import()` excluded):
 * imported, or (CommonJS ones) required by the module standing for them, which runs with the chunk.
 */
async function staticPackages(dir: string, entry: string): Promise<string[]> {
  const loaded = new Set<string>();
  const packages = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (loaded.has(file)) return;
    loaded.add(file);
    const code = await readFile(join(dir, file), 'utf8');
    for (const m of code.matchAll(
      /^(?:import|export)\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"|__efsEncryptRequire\("([^"]+)"\)/gm,
    )) {
      const from = (m[1] ?? m[2] ?? m[3])!;
      if (from.startsWith('./')) await visit(from.slice(2));
      else if (!from.startsWith('node:')) packages.add(from);
    }
  };
  await visit(entry);
  return [...packages].sort();
}

/** The code of `entry` and of every chunk it imports statically, concatenated. */
async function staticCode(dir: string, entry: string): Promise<string> {
  const seen = new Map<string, string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    const code = await readFile(join(dir, file), 'utf8');
    seen.set(file, code);
    for (const m of code.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.\/[^"]+)"|^import\s*"(\.\/[^"]+)"/gm))
      await visit((m[1] ?? m[2])!.slice(2));
  };
  await visit(entry);
  return [...seen.values()].join('\n');
}

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('bin/build-dist.js', () => {
  let out = '';
  const savedEnv = { ...process.env };
  let server: EstateServer | undefined;

  beforeAll(async () => {
    // Inside the project, as dist/ is: the compiled code finds its dependencies in node_modules.
    await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
    out = await mkdtemp(join(ROOT, 'node_modules/.cache/efs-encrypt-dist-'));
    await buildDist({ outdir: out });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    restoreEnv(savedEnv);
    await rm(out, { recursive: true, force: true });
  });

  it('compiles the CLI and the worker, copies the files modules read beside themselves, and stamps the sources', async () => {
    for (const file of [
      'cli.js',
      'scan-worker-entry.js',
      'sample-estate.json',
      'scripts/copy.sh',
      'scripts/verify.sh',
    ])
      expect(existsSync(join(out, file)), file).toBe(true);
    expect(distFreshness(ROOT, out)).toEqual({ fresh: true });
    // The worker runs compiled code: no loader registered in the thread.
    expect(await readFile(join(out, 'scan-worker-entry.js'), 'utf8')).not.toContain('tsx');
    const { main } = (await import(join(out, 'cli.js'))) as {
      main: (argv: string[], io: unknown) => Promise<number>;
    };
    const printed: string[] = [];
    const code = await main(['node', 'efs-encrypt', '--help'], {
      out: (t: string) => printed.push(t),
      err: (t: string) => printed.push(t),
      env: process.env,
    });
    expect(code).toBe(0);
    expect(printed.join('')).toContain('Usage: efs-encrypt');
  });

  it('loads no AWS SDK, store, estate, Slack or YAML module at start: commands load what they use', async () => {
    // What `efs-encrypt --help` (and every command before its action) loads: the entry and the chunks
    // it imports statically; `import()` of a chunk loads only when a command runs.
    // Commander, the two small packages of the progress output (one file each, or two), and croner
    // (one dependency-free module): the configuration checks the digest schedule when it loads.
    expect(await staticPackages(out, 'cli.js')).toEqual([
      'commander',
      'croner',
      'picocolors',
      'yocto-spinner',
    ]);
    // The runtime every store or AWS command opens: dynalite only when the embedded store starts, no Bolt.
    const runtime = (await readdir(out)).find((f) => /^runtime-\w+\.js$/.test(f))!;
    expect(await staticPackages(out, runtime)).not.toContain('dynalite');
    expect(await staticPackages(out, runtime)).not.toContain('@slack/bolt');
    // What status, export --list and plan --show load to read the store: of the AWS SDK, the
    // DynamoDB client only; the account clients (EC2's alone loads in about half a second) load
    // on a command's first AWS call.
    const sdkClients = async (chunk: string) =>
      (await staticPackages(out, chunk)).filter((p) => p.startsWith('@aws-sdk/client-'));
    const named = async (prefix: string) => (await readdir(out)).find((f) => f.startsWith(`${prefix}-`))!;
    expect(await sdkClients(runtime)).toEqual(['@aws-sdk/client-dynamodb']);
    for (const used of ['status', 'scan', 'decide-phase', 'decide'])
      expect(await sdkClients(await named(used)), used).toEqual([]);
  });

  it('loads CommonJS dependencies with require(), the store and its embedded server included', async () => {
    // Node parses a CommonJS module `import`ed for its export names first; required, it does not.
    // The entry and the chunks it imports statically (esbuild may move a shared module into a chunk).
    const cli = await staticCode(out, 'cli.js');
    expect(cli).toContain('__efsEncryptRequire("picocolors")');
    expect(cli).not.toMatch(/from\s*"picocolors"/);
    const dataDir = await mkdtemp(join(out, 'store-'));
    // `efs-encrypt status` on this build, in a process of its own: it serves a new embedded store.
    const script = `const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'cli.js')).href)});
      process.exitCode = await main(['node', 'efs-encrypt', 'status']);`;
    const {
      code,
      out: printed,
      err,
    } = await run(['--input-type=module', '-e', script], {
      EFS_ENCRYPT_DATA_DIR: dataDir,
    });
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(printed).toContain('No migrations yet');
  });

  it('bundles the EC2 client with only the operations the bot sends, sharing the SDK core with the others', async () => {
    const chunks = (await readdir(out)).filter((f) => f.endsWith('.js'));
    const code = (await Promise.all(chunks.map((f) => readFile(join(out, f), 'utf8')))).join('\n');
    // Not required whole from node_modules (2 MB, every EC2 operation)…
    expect(code).not.toContain('__efsEncryptRequire("@aws-sdk/client-ec2")');
    // …but bundled from its ES module build, with the schemas of what src/ sends and no others.
    for (const used of ['DescribeNetworkInterfaces', 'DescribeSecurityGroups', 'CreateLaunchTemplateVersion'])
      expect(code, used).toMatch(new RegExp(`var ${used}\\$ = `));
    for (const unused of ['RunInstances', 'CreateVpc', 'DescribeImages'])
      expect(code, unused).not.toMatch(new RegExp(`var ${unused}\\$ = `));
    // The SDK core stays one shared module: errors and middleware are the same classes everywhere.
    expect(code).toContain('__efsEncryptRequire("@smithy/core")');
    // A few hundred KB where the whole client is 2 MB (its schemas alone over 1 MB).
    const ec2Chunk = (
      await Promise.all(chunks.map(async (f) => [f, await readFile(join(out, f), 'utf8')] as const))
    ).find(([, c]) => c.includes('var DescribeNetworkInterfaces$ = '))!;
    expect(ec2Chunk[1].length).toBeLessThan(400_000);
  });

  it('scans on the compiled worker thread', async () => {
    const estate = await loadEstateFile(SAMPLE_ESTATE_PATH);
    useExampleCredentials('us-east-1');
    server = await startEstateServer({ estate, clock: new ManualClock(new Date()) });
    process.env.AWS_ENDPOINT_URL = server.endpoint;
    const options: ScanWorkerOptions = {
      clients: {
        accounts: estateAccounts(estate),
        regions: ['us-east-1'],
        roleName: 'EfsEncryptRole',
        rateLimitPerSecond: 1000,
      },
      fileSystemConcurrency: 4,
    };
    const worker = new Worker(join(out, 'scan-worker-entry.js'), { workerData: options });
    try {
      // The worker hands its file systems back in batches, each answered as the pool answers it.
      const records: FileSystemRecord[] = [];
      const answer = await new Promise<FromScanWorker>((resolve, reject) => {
        worker.on('message', (msg: FromScanWorker) => {
          if (msg.type !== 'records') return resolve(msg);
          records.push(...msg.records);
          worker.postMessage({ type: 'stored', id: msg.id, batch: msg.batch } satisfies ToScanWorker);
        });
        worker.once('error', reject);
        worker.postMessage({
          type: 'scan',
          id: 1,
          accountId: estate.callerAccountId,
          region: 'us-east-1',
        } satisfies ToScanWorker);
      });
      expect(answer).toMatchObject({ type: 'result', id: 1, outcome: { kind: 'scanned' } });
      expect(records.length).toBeGreaterThan(0);
      // Mount targets' security groups come from EC2 DescribeNetworkInterfaces, through the
      // tree-shaken client bundled in dist/ (see the test below).
      const groups = records.flatMap((r) => r.mountTargets);
      expect(groups.length).toBeGreaterThan(0);
      expect(groups.every((m) => m.securityGroups.length > 0)).toBe(true);
    } finally {
      await worker.terminate();
    }
  });
});

describe('bin/efs-encrypt.js', () => {
  it('runs the compiled CLI when dist/ is fresh, with no notice', async () => {
    if (!distFreshness(ROOT, join(ROOT, 'dist')).fresh) await buildDist();
    const { code, out, err } = await run(['bin/efs-encrypt.js', '--help']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('Usage: efs-encrypt');
  }, 60_000);
});
