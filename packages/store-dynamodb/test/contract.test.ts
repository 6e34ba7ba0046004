import { describe, it } from 'vitest';
import { describeRecordDeltas, describeRunStore } from '@firstline/core/testing';
import { dynamoRunStore } from '../src/index.js';
import { motoEndpoint, tableStore } from './support.js';

// The contract every store keeps, against moto's DynamoDB: a fresh table per test.
if (motoEndpoint) {
  describeRunStore('the DynamoDB store (moto)', () => tableStore());
  // Saving changes too; `another` is a second host's store on the same table.
  describeRecordDeltas('the DynamoDB store (moto)', async () => {
    const made = await tableStore();
    return { ...made, another: () => dynamoRunStore({ table: made.table, client: made.client }) };
  });
} else describe.skip('the DynamoDB store (moto_server missing)', () => it('keeps the RunStore contract'));
