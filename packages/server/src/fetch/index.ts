export { GuardedFetcher, type FetchPolicy, type FetchOptions, type FetchedResponse } from './guarded-fetch.js';
export { FetchRefusedError, isFetchRefused, type FetchRefusedReason } from './errors.js';
export { parseFetchAllow, describeRule, type AllowRule } from './allowlist.js';
export { forbiddenRange, isForbiddenAddress } from './address-policy.js';
export type { LookupAll } from './destination.js';
