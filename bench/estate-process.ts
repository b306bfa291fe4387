/**
 * The benchmark's AWS: a generated estate served from its own process, so the scan under test does not
 * share its event loop with the double it calls (AWS is not in the bot's process either).
 * Parent → child messages: { type: 'stats' } | { type: 'close' }. Child → parent: { type: 'ready', endpoint } | { type: 'stats', stats }.
 */
import { generateEstate } from '../src/estate/generate.ts';
import { startEstateServer } from '../src/estate/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  accounts: number;
  regions: number;
  fileSystems: number;
  seed: number;
  latencyMs: number;
  tps: number;
};
const estate = generateEstate(options);
const server = await startEstateServer({ estate, latencyMs: options.latencyMs, tps: options.tps });
let cpuAtReset = process.cpuUsage();
process.send?.({ type: 'ready', endpoint: server.endpoint });
process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'stats') {
    const cpu = process.cpuUsage(cpuAtReset);
    process.send?.({ type: 'stats', stats: { ...server.stats(), cpuMs: (cpu.user + cpu.system) / 1000 } });
  }
  if (msg.type === 'reset') {
    cpuAtReset = process.cpuUsage();
    server.resetStats();
    process.send?.({ type: 'reset' });
  }
  if (msg.type === 'close') {
    await server.close();
    process.exit(0);
  }
});
