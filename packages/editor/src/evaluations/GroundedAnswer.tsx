import type { SentenceVerdict } from '@groundwork/runtime/evaluators';
import { Fragment, type ReactNode } from 'react';
import type { EvaluationResult } from '../api/client.js';

/**
 * An answer with each sentence marked supported or not by its context; the sentence's best evidence shows on hover
 * or focus, and `onActive` says which sentence is pointed at, so the context beside it can mark that evidence.
 */
export function GroundedAnswer(props: { result: EvaluationResult; onActive(sentence: SentenceVerdict | null): void }) {
  const { answer, groundedness, context } = props.result;
  if (answer === null)
    return <p className="muted">No answer: {props.result.error?.message ?? 'the run did not finish'}.</p>;
  if (!groundedness)
    return (
      <div className="grounded-answer">
        <p className="answer-text">{answer}</p>
        <p className="muted small">Not scored for groundedness.</p>
      </div>
    );
  const parts: ReactNode[] = [];
  let at = 0;
  for (const sentence of groundedness.sentences) {
    if (sentence.start > at)
      parts.push(<Fragment key={`gap-${sentence.start}`}>{answer.slice(at, sentence.start)}</Fragment>);
    const text = answer.slice(sentence.start, sentence.end) || sentence.text;
    const best = sentence.evidence[0];
    parts.push(
      <span key={`sentence-${sentence.start}`} className="sentence-wrap">
        <mark
          className={sentence.supported ? 'supported' : 'unsupported'}
          data-testid="answer-sentence"
          data-supported={String(sentence.supported)}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so keyboard users can read its evidence.
          tabIndex={0}
          onMouseEnter={() => props.onActive(sentence)}
          onMouseLeave={() => props.onActive(null)}
          onFocus={() => props.onActive(sentence)}
          onBlur={() => props.onActive(null)}
        >
          {text}
        </mark>
        <span className="sentence-evidence" data-testid="sentence-evidence" role="tooltip">
          <span className="evidence-verdict">
            {sentence.supported ? 'Supported' : 'Not supported'} · {sentence.score.toFixed(2)}
          </span>
          {best ? (
            <q>
              {Array.isArray(context) && context.length > 1 ? `[passage ${best.passage + 1}] ` : ''}
              {best.text}
            </q>
          ) : (
            <span>Nothing in the context supports this sentence.</span>
          )}
        </span>
      </span>,
    );
    at = Math.max(at, sentence.end);
  }
  if (at < answer.length) parts.push(<Fragment key="tail">{answer.slice(at)}</Fragment>);
  const unsupported = groundedness.sentences.filter((sentence) => !sentence.supported).length;
  return (
    <div className="grounded-answer">
      <p className="answer-text">{parts}</p>
      <p className="muted small">
        Groundedness {groundedness.score.toFixed(3)} (rating {groundedness.rating}/5, {groundedness.scorer} scorer) ·{' '}
        {unsupported === 0
          ? 'every sentence supported'
          : `${unsupported} of ${groundedness.sentences.length} sentences not supported`}
      </p>
    </div>
  );
}

/** The context, with the evidence of the sentence pointed at marked. */
export function ContextView(props: { context: string | string[] | null; active: SentenceVerdict | null }) {
  if (props.context === null) return <p className="muted">No context.</p>;
  const passages = Array.isArray(props.context) ? props.context : [props.context];
  return (
    <div className="context-view" data-testid="row-context">
      {passages.map((passage, index) => {
        const spans = (props.active?.evidence ?? [])
          .filter((evidence) => evidence.passage === index)
          .sort((a, b) => a.start - b.start);
        const parts: ReactNode[] = [];
        let at = 0;
        for (const span of spans) {
          if (span.start < at) continue;
          parts.push(passage.slice(at, span.start));
          parts.push(
            <mark key={span.start} className="evidence" data-testid="context-evidence">
              {passage.slice(span.start, span.end)}
            </mark>,
          );
          at = span.end;
        }
        parts.push(passage.slice(at));
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: passages are fixed, in their order.
          <p key={index} className="context-passage">
            {passages.length > 1 && <span className="muted small">[{index + 1}] </span>}
            {parts}
          </p>
        );
      })}
    </div>
  );
}
