/** `bulwark/store`: the key-value seam behind tokens, sessions, lockout, MFA and bans. */
export type {
  AddMemberOptions,
  CollectionMember,
  IncrementOptions,
  SecurityStore,
  StoreKey,
  StoreKind,
  TaggedStoreKey,
  TtlOptions,
} from './types.js';
export { MAX_COLLECTION_SIZE, MAX_MEMBER_ID_LENGTH, MAX_TTL_MS, MAX_VALUE_LENGTH } from './types.js';
export { storeKey, taggedKey, isTaggedKey, MAX_KEY_LENGTH, type KeyPart } from './key.js';
export { StoreUnavailableError } from './errors.js';
export type { CommonStoreOptions } from './validate.js';
export { createMemoryStore, type MemorySecurityStore, type MemoryStoreOptions } from './memory.js';
export { createRedisStore, failFastRedisOptions, type RedisSecurityStore, type RedisStoreOptions } from './redis.js';
export {
  createRedisClusterStore,
  failFastClusterOptions,
  type RedisClusterSecurityStore,
  type RedisClusterStoreOptions,
} from './redis-cluster.js';
