export { dynamoRunStore, DEFAULT_LEASE_TTL_MS } from './dynamoRunStore.js';
export type { DynamoRunStoreOptions } from './dynamoRunStore.js';
export {
  createRunStoreTable,
  runStoreTableSchema,
  RUN_STORE_LIST_INDEX,
  RUN_STORE_STATUS_INDEX,
  RUN_STORE_TTL_ATTRIBUTE,
} from './tableSchema.js';
export type { CreateTableOptions } from './tableSchema.js';
export { MAX_RECORD_BYTES } from './recordCodec.js';
