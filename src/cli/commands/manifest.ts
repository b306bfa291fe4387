import type { Command } from 'commander';
import type { CliContext } from '../cli-io.ts';

/**
 * `efs-encrypt manifest --url <request URL>`: manifest.yml ready to paste into api.slack.com for an
 * HTTP deployment (the Lambda Function URL or `serve` over HTTP): every request URL set, Socket Mode off.
 */
export function registerManifest(program: Command, ctx: CliContext): void {
  program
    .command('manifest')
    .description(
      'Print manifest.yml with every Slack request URL set to the deployed URL, to paste into api.slack.com',
    )
    .requiredOption(
      '--url <url>',
      'the https URL Slack calls: the SlackRequestUrl output of `npx cdk deploy`, or https://<host>/slack/events',
    )
    .option('--from <file>', "the manifest to start from (default: this checkout's manifest.yml)")
    .action(async (opts: { url: string; from?: string }) => {
      const { defaultManifestPath, manifestWithRequestUrl, readManifest, requestUrlFrom } =
        await import('../slack-manifest.ts');
      const url = requestUrlFrom(opts.url);
      const text = await readManifest(opts.from ?? defaultManifestPath());
      ctx.io.out(manifestWithRequestUrl(text, url));
    });
}
