/**
 * What an added or removed node, variant or declaration holds, field by field: texts whole (a new template is read,
 * not diffed against nothing), other values as JSON.
 */
export function ContentPreview({
  entries,
  side,
}: {
  entries: readonly (readonly [string, unknown])[];
  side: 'added' | 'removed';
}) {
  const shown = entries.filter(([, value]) => value !== undefined);
  if (shown.length === 0) return <p className="muted diff-preview-empty">nothing configured</p>;
  return (
    <dl className={`diff-preview side-${side}`}>
      {shown.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>
            <pre>{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>
          </dd>
        </div>
      ))}
    </dl>
  );
}
