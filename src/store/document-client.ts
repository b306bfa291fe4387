import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryTooLargeError } from '../domain/errors.ts';

/** The document client every repository shares; undefined members are dropped, not rejected. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

export function isConditionalCheckFailed(e: unknown): boolean {
  return (
    e instanceof ConditionalCheckFailedException ||
    (e as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException'
  );
}

/** Every page of a query (bounded by `maxPages` so a bad key cannot loop forever). */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  maxPages = 10_000,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  for (let page = 0; page < maxPages; page++) {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
    if (!ExclusiveStartKey) return items;
  }
  throw new QueryTooLargeError(input.TableName ?? '(no table)', maxPages);
}

/** Strips the table's key attributes, leaving the record as the domain knows it. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...rest } = item;
  return rest as T;
}
