// The Node HTTPS FetchLike lives in src/node (the CLI uses it for DoH and policy fetches); the
// tests use the very same code.
export { createNodeHttpsFetch, type NodeHttpsFetchOptions } from '../../src/node/https-fetch.ts';
