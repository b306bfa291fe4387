import type { AliasConfiguration, FunctionConfiguration } from '@aws-sdk/client-lambda';
import pLimit from 'p-limit';
import { referencesInLambdaFileSystemConfigs } from '../../domain/consumer-references.ts';
import type { ConsumerReference, LambdaFunctionConsumer, SourceIdentity } from '../../domain/consumers.ts';
import type { ConsumersLambda } from './ports.ts';
import type { UnreadableLog } from './unreadable.ts';

const LATEST = '$LATEST';

/** The versions an alias sends invocations to: its own and any weighted additional version. */
function aliasVersions(alias: AliasConfiguration): string[] {
  return [
    ...(alias.FunctionVersion ? [alias.FunctionVersion] : []),
    ...Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}),
  ];
}

/**
 * Lambda consumers: functions whose `$LATEST`, or a published version an alias points at, mounts
 * one of the source's access points. ListFunctions gives `$LATEST` with its FileSystemConfigs;
 * versions are listed only for functions with aliases, and GetFunctionConfiguration is asked only
 * for an alias's version the listing did not return. Tags are read only for the functions found.
 */
export async function discoverLambdaConsumers(
  lambda: ConsumersLambda,
  source: SourceIdentity,
  unreadable: UnreadableLog,
  concurrency: number,
): Promise<LambdaFunctionConsumer[]> {
  const limit = pLimit(concurrency);
  const functions = await unreadable.attempt('lambda', 'ListFunctions', () => lambda.listFunctions(), []);
  const found = await Promise.all(
    functions.map((fn) => limit(() => functionConsumer(lambda, fn, source, unreadable))),
  );
  return found.flatMap((c) => (c ? [c] : []));
}

async function functionConsumer(
  lambda: ConsumersLambda,
  latest: FunctionConfiguration,
  source: SourceIdentity,
  unreadable: UnreadableLog,
): Promise<LambdaFunctionConsumer | undefined> {
  const name = latest.FunctionName;
  const arn = latest.FunctionArn;
  if (!name || !arn) return undefined;
  const aliases = await unreadable.attempt('lambda', 'ListAliases', () => lambda.listAliases(name), []);
  const published = [...new Set(aliases.flatMap(aliasVersions))].filter((v) => v !== LATEST);

  const configs = new Map<string, FunctionConfiguration>([[LATEST, latest]]);
  if (published.length > 0) {
    const listed = await unreadable.attempt(
      'lambda',
      'ListVersionsByFunction',
      () => lambda.listVersions(name),
      [],
    );
    for (const v of listed) if (v.Version && published.includes(v.Version)) configs.set(v.Version, v);
    for (const version of published.filter((v) => !configs.has(v))) {
      const config = await unreadable.attempt(
        'lambda',
        'GetFunctionConfiguration',
        () => lambda.getFunctionConfiguration(name, version),
        undefined,
      );
      if (config) configs.set(version, config);
    }
  }

  const references: ConsumerReference[] = [];
  const versions: string[] = [];
  for (const [version, config] of configs) {
    const refs = referencesInLambdaFileSystemConfigs(config.FileSystemConfigs, source);
    if (refs.length === 0) continue;
    versions.push(version);
    references.push(...refs.map((r) => ({ ...r, where: `${version} ${r.where}` })));
  }
  if (versions.length === 0) return undefined;

  const tags = await unreadable.attempt('lambda', 'ListTags', () => lambda.listTags(arn), {});
  return {
    kind: 'lambda-function',
    id: arn,
    name,
    tags,
    references,
    functionArn: arn,
    versions,
    aliases: aliases.flatMap((a) => {
      const mounting = aliasVersions(a).filter((v) => versions.includes(v));
      return a.Name && a.FunctionVersion && mounting.length > 0
        ? [{ name: a.Name, functionVersion: a.FunctionVersion }]
        : [];
    }),
    ...(latest.RevisionId ? { revisionId: latest.RevisionId } : {}),
  };
}
