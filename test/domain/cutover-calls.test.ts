import { describe, expect, it } from 'vitest';
import { fillPlaceholdersInText } from '../../src/domain/cutover-calls.ts';

describe('fillPlaceholdersInText', () => {
  it('names what the calls produced in a sentence for a person, leaving the unknown as it is', () => {
    const arn = 'arn:aws:ecs:us-east-1:111111111111:task-definition/web:8';
    expect(
      fillPlaceholdersInText('Point the AppSpec at <new revision of web:7>, then <not yet>.', {
        'new revision of web:7': arn,
      }),
    ).toBe(`Point the AppSpec at ${arn}, then <not yet>.`);
  });
});
