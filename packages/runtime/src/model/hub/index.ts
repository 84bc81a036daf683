export type { Checksum } from './checksums.js';
export { PARTIAL_SUFFIX } from './download-file.js';
export { DTYPES, type Dtype, dtypeModelPath, globToRegExp, isDtype, matchesGlob } from './file-filter.js';
export { DEFAULT_HUB_URL, type RepoFile } from './hub-client.js';
export { HubError, type HubErrorCode } from './hub-error.js';
export {
  DEFAULT_PULL_CONCURRENCY,
  DEFAULT_REVISION,
  type PulledFile,
  type PullOptions,
  type PullProgress,
  type PullResult,
  pullModel,
} from './pull.js';
export { MANIFEST_FILE } from './pull-manifest.js';
export { checkRepoId, repoName } from './repo-id.js';
