/**
 * Issue 18 item 4: 200 `/efs-encrypt scan` requests at once, signed as Slack signs them, to the real
 * Bolt HTTP receiver in this process (the strict mode: the response waits for the listener), its
 * Web API a counting loopback server, its scans real scans of a local estate served from another
 * process. Ten scopes among the 200 (each of 5 accounts, each of 4 regions, and a full scan): a request
 * whose scope a running scan covers joins it, the rest queue behind EFS_ENCRYPT_MAX_SCANS (2).
 * Target: ack p99 under 100 ms with 200 in flight.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import type { BenchResult } from './run.ts';
import { defaultScanWorkers } from '../src/config.ts';
import { CountingSlackApi } from './slack-web-api.ts';
import { signedPoster } from './slack-sender.ts';

const SHAPE = { accounts: 5, regions: 4, fileSystems: 200, seed: 7, latencyMs: 20, tps: 50 };
const REQUESTS = 200;
const SECRET = 'bench-signing-secret-0123456789abcdef';
const TARGET_P99_MS = 100;
const WORKERS = Number(process.env.BENCH_WORKERS ?? defaultScanWorkers());

function ready(child: ChildProcess): Promise<string> {
  return new Promise((resolve) =>
    child.on('message', (msg: { type: string; endpoint?: string }) => {
      if (msg.type === 'ready') resolve(msg.endpoint!);
    }),
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export async function run(): Promise<BenchResult> {
  const estate = fork(
    fileURLToPath(new URL('./estate-process.ts', import.meta.url)),
    [JSON.stringify(SHAPE)],
    {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const endpoint = await ready(estate);
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
  });
  const slackApi = new CountingSlackApi();
  await slackApi.start();
  try {
    const { generateEstate, GENERATED_REGIONS } = await import('../src/estate/generate.ts');
    const { createAccountClients } = await import('../src/aws/account-clients.ts');
    const {
      createScanWorkflow,
      createWorkerRegionScanner,
      DEFAULT_FILE_SYSTEM_CONCURRENCY,
      MIN_PAIRS_FOR_WORKERS,
    } = await import('../src/workflow/scan/index.ts');
    const { loadConfig } = await import('../src/config.ts');
    const { createSlackApp } = await import('../src/slack/app.ts');
    const { systemClock } = await import('../src/domain/clock.ts');
    const accounts = generateEstate(SHAPE).accounts.map((a) => a.accountId);
    const regions = GENERATED_REGIONS.slice(0, SHAPE.regions);
    const clientOptions = { accounts, roleName: 'EfsEncryptRole', regions, rateLimitPerSecond: 50 };
    const clients = createAccountClients(clientOptions);
    // As the bot runs scans by default: worker threads for scans of MIN_PAIRS_FOR_WORKERS pairs or
    // more (EFS_ENCRYPT_SCAN_WORKERS), so the SDK's CPU is not on the thread that answers Slack.
    // Made even when unused (WORKERS ≤ 1, the default below 4 cores): it starts no thread until a scan asks.
    const workers = createWorkerRegionScanner({
      workers: Math.max(1, WORKERS),
      worker: { clients: clientOptions, fileSystemConcurrency: DEFAULT_FILE_SYSTEM_CONCURRENCY },
    });

    let scansRun = 0;
    let scansSaved = 0;
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_MODE: 'http',
      SLACK_API_URL: slackApi.apiUrl,
      LOG_LEVEL: 'silent',
    });
    const slack = createSlackApp({
      config,
      logger: pino({ level: 'silent' }),
      botIdentity: { botId: 'BBENCH01', botUserId: 'UBENCH01' },
      listen: { host: '127.0.0.1', port: 0 },
      processBeforeResponse: true,
      retryConfig: { retries: 0 },
      services: {
        scan: {
          run: ({ requestedBy, io, scope }) => {
            scansRun++;
            return createScanWorkflow({
              clientsFor: (a, r) => clients.clientsFor(a, r),
              listTargets: () => clients.listTargets(),
              scans: {
                beginScan: () => ({
                  writeFileSystems: async () => {},
                  finish: async () => void scansSaved++,
                  abandon: async () => {},
                }),
              },
              io,
              clock: systemClock,
              concurrency: 8,
              ...(WORKERS > 1 ? { parallel: { scanner: workers, minPairs: MIN_PAIRS_FOR_WORKERS } } : {}),
            }).run({ requestedBy, ...scope });
          },
        },
        scans: {
          beginScan: () => ({
            writeFileSystems: async () => {},
            finish: async () => {},
            abandon: async () => {},
          }),
          saveScan: async () => {},
          getScan: async () => undefined,
          getLatestScan: async () => undefined,
          listScans: async () => [],
        },
      },
    });
    // The receiver's own share of each ack: from the request reaching the server to the response
    // written. The rest of the round trip is this process's client and the machine's load.
    const receiverMs: number[] = [];
    if (slack.receiver.mode === 'http') {
      const inner = slack.receiver.receiver.requestListener;
      slack.receiver.receiver.requestListener = (req, res) => {
        const t = performance.now();
        res.on('finish', () => receiverMs.push(performance.now() - t));
        inner(req, res);
      };
    }
    const started = await slack.start();
    if (started.mode !== 'http') throw new Error('the bench drives the HTTP receiver');

    // The full scan comes tenth: the nine scoped ones before it fill the slots and the queue first.
    const scopes = [...accounts, ...regions, ''];
    const bodies = Array.from({ length: REQUESTS }, (_, i) =>
      new URLSearchParams({
        token: 'legacy',
        team_id: 'T0BENCH1',
        team_domain: 'efs-encrypt-bench',
        channel_id: `C0BENCH${i % 4}`,
        channel_name: 'platform-ops',
        user_id: `U0B${String(i).padStart(5, '0')}`,
        user_name: `user${i}`,
        command: '/efs-encrypt',
        text: `scan ${scopes[i % scopes.length]}`.trim(),
        api_app_id: 'A0BENCH1',
        is_enterprise_install: 'false',
        response_url: slackApi.responseUrl(`cmd-${i}`),
        trigger_id: `${i}.trigger`,
      }).toString(),
    );

    const { post } = signedPoster(started.url, SECRET, 1);
    // Warm-up: one scan end to end, so loading the SDK and the scan's modules is not in the figures.
    await post(bodies[scopes.length - 1]!);
    await slack.tasks.drain();
    const runsBefore = scansRun;
    const updatesBefore = slackApi.count('chat.update');

    // The 200 senders in a process of their own, started (and its modules loaded) before the burst.
    const sender = fork(fileURLToPath(new URL('./slack-sender.ts', import.meta.url)), ['child'], {
      execArgv: ['--import', 'tsx'],
    });
    await new Promise((resolve) => sender.once('spawn', resolve));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    // process.memoryUsage() walks the heap spaces (milliseconds under load); the RSS alone is cheap.
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
    receiverMs.length = 0;
    // Each ack takes about a millisecond of receiver time; what delays it is the event loop being
    // busy with the work started after earlier acks (private replies, scans): this shows how busy.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const acks = await new Promise<number[]>((resolve, reject) => {
      sender.once('message', (msg: { acks: number[] }) => resolve(msg.acks));
      sender.once('error', reject);
      sender.send({
        type: 'send',
        url: started.url,
        secret: SECRET,
        bodies,
        warmUp: bodies[0]!.replace('text=scan', 'text=help'),
      });
    });
    const ackCpu = process.cpuUsage(cpu0);
    loopDelay.disable();
    const allAckedMs = performance.now() - t0;
    const rssAfterAcks = process.memoryUsage().rss;
    await slack.tasks.drain();
    const totalMs = performance.now() - t0;
    clearInterval(sampler);
    const rssAfter = process.memoryUsage().rss;
    await slack.stop();
    clients.destroy();
    await workers.close();

    const sorted = [...acks].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    return {
      name: `scan admission: ${REQUESTS} signed /efs-encrypt scan requests at once, ${scopes.length} scopes, real Bolt receiver, local estate`,
      figures: {
        'ack p50': `${percentile(sorted, 50).toFixed(1)} ms`,
        'ack p99': `${p99.toFixed(1)} ms`,
        'ack max': `${sorted.at(-1)!.toFixed(1)} ms`,
        'receiver time p50/p99/max': (() => {
          const r = [...receiverMs].sort((a, b) => a - b);
          return `${percentile(r, 50).toFixed(1)} / ${percentile(r, 99).toFixed(1)} / ${r.at(-1)!.toFixed(1)} ms (request in to response out, server side)`;
        })(),
        'event-loop delay while acking p99/max': `${(loopDelay.percentile(99) / 1e6).toFixed(1)} / ${(loopDelay.max / 1e6).toFixed(1)} ms`,
        'all acked after (from the burst order, sender start included)': `${allAckedMs.toFixed(0)} ms`,
        'RSS before': mib(rssBefore),
        'RSS after the acks': mib(rssAfterAcks),
        'RSS after every scan': mib(rssAfter),
        'peak RSS': mib(Math.max(peakRss, rssAfter)),
        'scans actually run': `${scansRun - runsBefore} (warm-up excluded; ${scansSaved} saved in all)`,
        'chat.postMessage calls': slackApi.count('chat.postMessage'),
        'chat.update calls': slackApi.count('chat.update') - updatesBefore,
        'private replies (response_url)': slackApi.count('response_url'),
        'all scans done after': `${(totalMs / 1000).toFixed(2)} s`,
        'max scans at once (EFS_ENCRYPT_MAX_SCANS)': config.slack.maxScans,
        'bot CPU while acking': `${((ackCpu.user + ackCpu.system) / 1000).toFixed(0)} ms (this process, all threads)`,
        'scan threads':
          WORKERS > 1 ? `${WORKERS} workers for ${MIN_PAIRS_FOR_WORKERS}+ pairs` : 'the main thread',
      },
      targets: [
        {
          description: `ack p99 under ${TARGET_P99_MS} ms with ${REQUESTS} in flight`,
          met: p99 < TARGET_P99_MS,
        },
        {
          description: `at most ${scopes.length} scans run (one per distinct scope)`,
          met: scansRun - runsBefore >= 1 && scansRun - runsBefore <= scopes.length,
        },
      ],
    };
  } finally {
    await slackApi.close();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    estate.send({ type: 'close' });
  }
}
