/**
 * An error for a person: the message in words; the stable code (which support and logs use)
 * on hover and one click away on the clipboard. Stores keep errors as `CODE: message`.
 */
export function splitError(text: string): { code: string | null; message: string } {
  const m = /^([A-Z][A-Z0-9_]{2,}): ([\s\S]*)$/.exec(text);
  return m ? { code: m[1]!, message: m[2]! } : { code: null, message: text };
}

export function ErrorText({ text, alert = true }: { text: string; alert?: boolean }) {
  const { code, message } = splitError(text);
  return (
    <p
      className="inline-error"
      role={alert ? 'alert' : undefined}
      title={code ? `Error code ${code}` : undefined}
      data-code={code ?? undefined}
    >
      <span>{capitalise(message)}</span>
      {code ? <CopyCode code={code} /> : null}
    </p>
  );
}

export function CopyCode({ code }: { code: string }) {
  return (
    <button
      type="button"
      className="link copy-code"
      aria-label={`Copy error code ${code}`}
      title={`Copy error code ${code}`}
      onClick={() => void navigator.clipboard?.writeText(code).catch(() => undefined)}
    >
      copy code
    </button>
  );
}

/** Sentence case — unless the message starts with an identifier (`llm_call failed`), kept as written. */
export function capitalise(s: string): string {
  if (!s || /^[^\s]*[_.]/.test(s)) return s;
  return s[0]!.toUpperCase() + s.slice(1);
}
