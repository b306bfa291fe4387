import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';

/** The Slack secret's JSON, as the README's Deploy section tells people to store it. */
const SlackSecretSchema = z.object({
  botToken: z.string().regex(/^xoxb-/, { message: 'expected a bot token starting with xoxb-' }),
  signingSecret: z.string().min(8, { message: 'expected the app signing secret' }),
});
export type SlackSecrets = z.infer<typeof SlackSecretSchema>;

/**
 * Reads the bot token and signing secret from Secrets Manager once per cold start: never from
 * environment variables (visible in the console and to anyone who can read the function's
 * configuration), and never logged.
 */
export async function readSlackSecrets(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): Promise<SlackSecrets> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  let json: unknown;
  try {
    json = JSON.parse(out.SecretString ?? '');
  } catch {
    throw new ConfigError([
      `EFS_ENCRYPT_SLACK_SECRET (${secretId}): the secret is not JSON; store {"botToken":"xoxb-…","signingSecret":"…"}`,
    ]);
  }
  const parsed = SlackSecretSchema.safeParse(json);
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map(
        (i) => `EFS_ENCRYPT_SLACK_SECRET (${secretId}): ${i.path.join('.')}: ${i.message}`,
      ),
    );
  return parsed.data;
}
