import type { SearchPassage } from '../api/client.js';
import { highlightPieces } from './highlight.js';

/** The ranked chunks: rank, score, where each comes from, and its text with the query's terms marked. */
export function SearchResults(props: { passages: SearchPassage[] }) {
  return (
    <ol className="search-results" data-testid="search-results">
      {props.passages.map((passage, index) => (
        <li
          key={passage.id}
          className="search-result"
          data-testid="search-result"
          data-source={passage.source}
          data-rank={index + 1}
        >
          <div className="search-result-head">
            <span className="search-rank">#{index + 1}</span>
            <span
              className="search-source"
              data-testid="search-result-source"
              title={`characters ${passage.start}–${passage.end} of the document`}
            >
              {passage.source}
            </span>
            {passage.heading && <span className="search-heading">{passage.heading}</span>}
            <span className="fill" />
            <Ranks passage={passage} />
            <span className="search-score" title="Fused score (higher is better)">
              {passage.score.toPrecision(3)}
            </span>
          </div>
          <p className="search-text">
            <HighlightedText passage={passage} />
          </p>
        </li>
      ))}
    </ol>
  );
}

export function HighlightedText(props: { passage: SearchPassage }) {
  const { text, highlights } = props.passage;
  return (
    <>
      {highlightPieces(text, highlights ?? []).map((piece, index) =>
        piece.highlighted ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: pieces are fixed for a given passage, in text order.
          <mark key={index} data-testid="search-highlight">
            {piece.text}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above.
          <span key={index}>{piece.text}</span>
        ),
      )}
    </>
  );
}

/** Where the keyword and vector rankings placed it, when the server says. */
function Ranks(props: { passage: SearchPassage }) {
  const { keywordRank, vectorRank } = props.passage;
  const parts = [
    typeof keywordRank === 'number' ? `keyword #${keywordRank}` : null,
    typeof vectorRank === 'number' ? `vector #${vectorRank}` : null,
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return <span className="muted small search-ranks">{parts.join(' · ')}</span>;
}
