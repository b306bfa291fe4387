/**
 * STS: who the caller is. Base credentials (any access key the estate did not issue) act as the
 * estate's caller account; AssumeRole issues keys that name the target account, so every later
 * call signed with them lands in that account, even after a server restart.
 */
import type {
  AssumeRoleRequest,
  AssumeRoleResponse,
  GetCallerIdentityRequest,
  GetCallerIdentityResponse,
} from '@aws-sdk/client-sts';
import { stableHex } from '../ids.ts';
import { AwsApiError } from './api-error.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

export const stsErrors = {
  accessDenied: (message: string) => new AwsApiError('AccessDenied', message, 403),
  validation: (message: string) => new AwsApiError('ValidationError', message, 400),
  throttling: () => new AwsApiError('Throttling', 'Rate exceeded', 400),
};

/** `ASIA` + 12-digit account + 4 hex digits: 20 characters, the length of a real access key ID. */
const ISSUED_KEY = /^ASIA(\d{12})[0-9A-F]{4}$/;

interface Session {
  accountId: string;
  roleName: string;
  sessionName: string;
}

export class StsService {
  private readonly sessions = new Map<string, Session>();
  private issued = 0;

  constructor(private readonly model: EstateModel) {}

  /** The account a request's access key acts in. */
  accountFor(accessKeyId: string): string {
    return ISSUED_KEY.exec(accessKeyId)?.[1] ?? this.model.callerAccountId;
  }

  assumeRole(ctx: CallContext, input: AssumeRoleRequest): AssumeRoleResponse {
    const roleArn = input.RoleArn ?? '';
    const match = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(roleArn);
    if (!match)
      throw stsErrors.validation(`${roleArn} is not a valid role ARN (arn:aws:iam::<account>:role/<name>).`);
    const [, accountId, roleName] = match as unknown as [string, string, string];
    const sessionName = input.RoleSessionName ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw stsErrors.validation(
        "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64 and match [\\w+=,.@-]*",
      );
    }
    const caller = this.callerArn(ctx);
    const account = this.model.account(accountId);
    if (!account || !account.assumable) {
      throw stsErrors.accessDenied(
        `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    this.issued = (this.issued + 1) % 0x10000;
    const AccessKeyId = `ASIA${accountId}${this.issued.toString(16).toUpperCase().padStart(4, '0')}`;
    this.sessions.set(AccessKeyId, { accountId, roleName, sessionName });
    const roleId = `AROA${stableHex(roleArn, 17).toUpperCase()}`;
    const seconds = input.DurationSeconds ?? 3600;
    return {
      Credentials: {
        AccessKeyId,
        SecretAccessKey: stableHex(`${AccessKeyId}/secret`, 40),
        SessionToken: `estate-${stableHex(`${AccessKeyId}/token/${this.model.now().getTime()}`, 64)}`,
        Expiration: new Date(this.model.now().getTime() + seconds * 1000),
      },
      AssumedRoleUser: {
        AssumedRoleId: `${roleId}:${sessionName}`,
        Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      },
      PackedPolicySize: 0,
    } satisfies AssumeRoleResponse;
  }

  getCallerIdentity(ctx: CallContext, _input: GetCallerIdentityRequest): GetCallerIdentityResponse {
    const session = this.sessions.get(ctx.accessKeyId);
    return {
      UserId: session
        ? `AROA${stableHex(`${ctx.accountId}/${session.roleName}`, 17).toUpperCase()}:${session.sessionName}`
        : `AIDA${stableHex(ctx.accessKeyId, 17).toUpperCase()}`,
      Account: ctx.accountId,
      Arn: this.callerArn(ctx),
    } satisfies GetCallerIdentityResponse;
  }

  private callerArn(ctx: CallContext): string {
    const session = this.sessions.get(ctx.accessKeyId);
    if (session)
      return `arn:aws:sts::${ctx.accountId}:assumed-role/${session.roleName}/${session.sessionName}`;
    if (ISSUED_KEY.test(ctx.accessKeyId))
      return `arn:aws:sts::${ctx.accountId}:assumed-role/estate-role/session`;
    return `arn:aws:iam::${ctx.accountId}:user/estate-operator`;
  }
}
