import { describe, it } from 'vitest';
import { describeRunStore } from '@firstline/core/testing';
import { motoEndpoint, tableStore } from './support.js';

// The contract every store keeps, against moto's DynamoDB: a fresh table per test.
if (motoEndpoint) describeRunStore('the DynamoDB store (moto)', () => tableStore());
else describe.skip('the DynamoDB store (moto_server missing)', () => it('keeps the RunStore contract'));
