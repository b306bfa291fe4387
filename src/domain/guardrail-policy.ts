/**
 * The guardrail that keeps new EFS file systems encrypted (issue 16 §4): deny
 * `elasticfilesystem:CreateFileSystem` unless the request says `Encrypted: true`, through the
 * `elasticfilesystem:Encrypted` condition key (Bool). AWS's own example ("Example: Enforce the
 * creation of encrypted file systems", EFS user guide) denies when the key is "false"; a request
 * that leaves `Encrypted` out carries no key at all, so a second statement with the `Null`
 * operator denies that case too (a Bool test on a missing key does not match, and the deny
 * would not apply).
 *
 * It cannot pin the KMS key: EFS has no condition key for the key of a new file system, so a
 * file system encrypted with the wrong key (or the AWS-managed one) still gets through. The
 * validation report and the digest keep checking keys for that reason.
 */

export type GuardrailKind = 'scp' | 'iam';

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: {
    Sid: string;
    Effect: 'Deny';
    Action: string;
    Resource: string;
    Condition: Record<string, Record<string, string>>;
  }[];
}

const ACTION = 'elasticfilesystem:CreateFileSystem';
const KEY = 'elasticfilesystem:Encrypted';

/**
 * The same two deny statements serve as an SCP (attached to the organisation's root, an OU or an
 * account in AWS Organizations: it limits every principal of those accounts, admins included) and
 * as an identity policy (attached to IAM users, groups or roles, or as a permissions boundary, in
 * one account). SCPs require `Resource: "*"` with Deny-only statements here, which IAM accepts too.
 */
export function guardrailPolicy(kind: GuardrailKind): PolicyDocument {
  const sid = kind === 'scp' ? 'DenyUnencryptedEfsInOrganization' : 'DenyUnencryptedEfs';
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `${sid}WhenFalse`,
        Effect: 'Deny',
        Action: ACTION,
        Resource: '*',
        Condition: { Bool: { [KEY]: 'false' } },
      },
      {
        Sid: `${sid}WhenAbsent`,
        Effect: 'Deny',
        Action: ACTION,
        Resource: '*',
        Condition: { Null: { [KEY]: 'true' } },
      },
    ],
  };
}

export function guardrailJson(kind: GuardrailKind): string {
  return `${JSON.stringify(guardrailPolicy(kind), null, 2)}\n`;
}

/**
 * Whether the policy denies a CreateFileSystem request, evaluated as IAM evaluates these two
 * operators: `Bool` matches only a present key with that value; `Null: true` matches an absent key.
 */
export function deniesCreate(policy: PolicyDocument, encrypted: boolean | undefined): boolean {
  return policy.Statement.some((s) => {
    if (s.Action !== ACTION) return false;
    const bool = s.Condition.Bool?.[KEY];
    const isNull = s.Condition.Null?.[KEY];
    if (bool !== undefined) return encrypted !== undefined && String(encrypted) === bool;
    if (isNull !== undefined) return (encrypted === undefined) === (isNull === 'true');
    return false;
  });
}
