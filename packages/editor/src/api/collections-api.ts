import type {
  Collection,
  CollectionDocument,
  DocumentStatus,
  NewCollection,
  SearchRequest,
  SearchResult,
} from './collection-types.js';

type Call = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<T>;

const collectionPath = (collection: string) => `/api/collections/${encodeURIComponent(collection)}`;

/** Collections, their documents and search (issue 8); `call` is the client's request function. */
export function collectionApi(call: Call) {
  return {
    listCollections: () =>
      call<{ collections: Collection[] }>('GET', '/api/collections').then((body) => body.collections),
    createCollection: (collection: NewCollection) =>
      call<{ collection: Collection }>('POST', '/api/collections', collection).then((body) => body.collection),
    /** The collection (by id or name) and its documents. */
    getCollection: (collection: string) =>
      call<{ collection: Collection; documents: CollectionDocument[] }>('GET', collectionPath(collection)),
    deleteCollection: (collection: string) => call<void>('DELETE', collectionPath(collection)),
    /** Adds one document as its raw text; the content type names the format (text, Markdown or HTML). */
    addDocument: (collection: string, source: string, content: string, contentType: string) =>
      call<{ document: CollectionDocument; status: DocumentStatus }>(
        'POST',
        `${collectionPath(collection)}/documents?${new URLSearchParams({ source })}`,
        content,
        { 'content-type': contentType },
      ),
    /** `document` is its id or its source. */
    removeDocument: (collection: string, document: string) =>
      call<void>('DELETE', `${collectionPath(collection)}/documents/${encodeURIComponent(document)}`),
    search: (collection: string, request: SearchRequest) =>
      call<SearchResult>('POST', `${collectionPath(collection)}/search`, request),
  };
}
