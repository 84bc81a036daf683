/** What a page shows while its data loads, and when loading failed (with a way to try again). */
export function Loading(props: { testId: string; what: string }) {
  return (
    <p className="evaluations-loading" data-testid={props.testId} role="status">
      Loading {props.what}…
    </p>
  );
}

export function LoadError(props: { testId: string; what: string; message: string; onRetry?: () => void }) {
  return (
    <div className="banner error evaluations-error" role="alert" data-testid={props.testId}>
      <span>
        Could not load {props.what}: {props.message}
      </span>
      {props.onRetry && (
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
