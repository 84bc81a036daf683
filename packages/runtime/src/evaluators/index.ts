export * from './groundedness/index.js';
