export * from './lexical-scorer.js';
export * from './llm-judge.js';
export { type JudgePromptInput, judgeMessages, parseRating } from './llm-judge-prompt.js';
export * from './scorer-request.js';
export * from './sentences.js';
export * from './types.js';
export { contentWords, negatedKeys } from './words.js';
