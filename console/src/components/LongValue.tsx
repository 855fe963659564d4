/** "2 PEM certificates" for text holding PEM certificates; undefined for anything else. */
export function pemSummary(text: string): string | undefined {
  const certificates = text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (certificates === 0) return undefined;
  return `${certificates} PEM certificate${certificates === 1 ? "" : "s"}`;
}

/** A stored property's value; a PEM chain is summed up, its text one click away rather than filling the page. */
export function LongValue({ value }: { value: string }) {
  const summary = pemSummary(value);
  if (!summary) return <>{value}</>;
  return (
    <details className="long-value">
      <summary>{summary}</summary>
      <pre>{value}</pre>
    </details>
  );
}
