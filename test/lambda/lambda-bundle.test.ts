import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambda } from '../../bin/build-lambda.js';
import { ManualClock } from '../../src/domain/clock.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { scaleTiming } from '../../src/estate/timing.ts';
import type { LambdaHandlers, LambdaHandlerOptions } from '../../src/lambda/handlers.ts';
import { skipAheadScheduler } from '../harness/schedulers.ts';
import { TEST_BOT } from '../harness/slack.ts';
import { SlackApiRecorder } from '../harness/slack-recorder.ts';
import { restoreEnv } from '../harness/sdk-env.ts';
import { capturingDispatcher, functionUrlEvent, slashCommand, lambdaTestOptions } from './lambda-events.ts';

/**
 * The Lambda bundle itself (`npm run build:lambda`), not the sources: every AWS SDK client in it is
 * bundled tree-shaken from its ES module build (bin/build-dist.js, treeShakenSdkClients), so this
 * runs a scan through the bundle's own handlers, against the sample estate, to show the clients it
 * kept still make their calls.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the Lambda bundle', () => {
  const saved = { ...process.env };
  let out = '';
  let bytes = 0;

  beforeAll(async () => {
    // Inside the project, as dist-lambda/ is: its external modules (dynalite) are found in node_modules.
    await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
    out = await mkdtemp(join(ROOT, 'node_modules/.cache/efs-encrypt-lambda-'));
    ({ bytes } = await buildLambda({ outdir: out }));
  }, 60_000);

  afterAll(async () => {
    restoreEnv(saved);
    await rm(out, { recursive: true, force: true });
  });

  it('keeps only the SDK operations the bot sends', async () => {
    // 10.5 MB with the whole clients (EC2's alone 2 MB of schemas).
    expect(bytes).toBeLessThan(8_500_000);
    const files = (await readdir(out)).filter((f) => f.endsWith('.mjs'));
    const code = (await Promise.all(files.map((f) => readFile(join(out, f), 'utf8')))).join('\n');
    expect(code).toMatch(/var DescribeNetworkInterfaces\$ = /);
    expect(code).toMatch(/var DescribeMountTargets\$ = /);
    expect(code).not.toMatch(/var RunInstances\$ = /);
  });

  it("scans the estate through the bundle's own handlers: request, then worker", async () => {
    const recorder = new SlackApiRecorder({ ...TEST_BOT, teamId: 'T0TEST01' });
    await recorder.start();
    const work = capturingDispatcher();
    const clock = new ManualClock(new Date());
    const bundle = (await import(pathToFileURL(join(out, 'index.mjs')).href)) as {
      createLambdaHandlers(options: LambdaHandlerOptions): LambdaHandlers;
    };
    const handlers = bundle.createLambdaHandlers({
      ...lambdaTestOptions(recorder, work),
      // The sample estate from the sources: the bundle ships no estate file (Lambda scans AWS).
      estate: { file: SAMPLE_ESTATE_PATH, timing: scaleTiming(50) },
      clock,
      scheduler: skipAheadScheduler(clock),
    });
    try {
      const res = await handlers.slackHandler(
        functionUrlEvent(slashCommand(recorder, 'scan', 'bundle-scan')),
      );
      expect(res.statusCode).toBe(200);
      expect(work.messages).toHaveLength(1);
      const message = JSON.parse(JSON.stringify(work.messages[0]));
      expect((await handlers.workerHandler(message)).outcome).toBe('ran');
      const scan = await (await handlers.runtime()).store.scans.getLatestScan();
      // The sample estate has one account whose role does not trust the bot: reported, as the sources do.
      expect(scan?.failures.map((f) => `${f.operation} ${f.code}`)).toEqual(['AssumeRole AccessDenied']);
      const records = scan?.fileSystems ?? [];
      expect(records.length).toBeGreaterThan(0);
      expect(records.every((f) => f.errors.length === 0)).toBe(true);
      // EFS, EC2 (security groups from network interfaces) and KMS (key state) all answered.
      const mountTargets = records.flatMap((f) => f.mountTargets);
      expect(mountTargets.length).toBeGreaterThan(0);
      expect(mountTargets.every((m) => m.securityGroups.length > 0)).toBe(true);
      expect(records.some((f) => f.encrypted && f.keyState !== undefined)).toBe(true);
    } finally {
      await handlers.close();
      await recorder.close();
    }
  });
});
