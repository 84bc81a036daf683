// Browser-safe: the editor and the server share chunking, ranking and highlighting. No node:* imports here.
export * from './rank-fusion.js';
export * from './types.js';
