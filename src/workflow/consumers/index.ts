/** Consumer discovery's public surface: who mounts a migration's source (used by cutover and decommission). */
export {
  CONSUMERS_EVENT,
  createConsumerDiscovery,
  DEFAULT_DISCOVERY_CONCURRENCY,
  NoSnapshotError,
  type ConsumerDiscovery,
  type DiscoverOptions,
} from './discover-consumers.ts';
export type {
  ConsumerDiscoveryDeps,
  ConsumerReaders,
  ConsumerReportRepository,
  ConsumersAutoScaling,
  ConsumersEcs,
  ConsumersLambda,
  ConsumersLaunchTemplates,
} from './ports.ts';
export { formatConsumerReport } from './consumers-text.ts';
