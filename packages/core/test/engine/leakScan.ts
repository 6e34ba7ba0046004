/**
 * Finds a secret in text in any form a reader could undo: as is, in any case, URL-decoded, JSON-unescaped,
 * and inside any run of base64 (at every character offset) or hex. A cut secret counts from `minChars`
 * characters on when it stands next to an ellipsis or at either end of a value.
 */
export function findLeaks(text: string, secret: string, minChars = 6): string[] {
  const views = new Set<string>([text]);
  views.add(safeDecode(text));
  views.add(text.replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  views.add(text.replace(/\\(["\\/])/g, '$1').replace(/\\(["\\/])/g, '$1'));
  for (const run of text.match(/[A-Za-z0-9+/_%-]{8,}/g) ?? []) {
    const plain = safeDecode(run);
    for (let cut = 0; cut < 4; cut++) views.add(Buffer.from(plain.slice(cut), 'base64').toString('latin1'));
  }
  for (const run of text.match(/[0-9a-f]{12,}/gi) ?? []) {
    views.add(Buffer.from(run, 'hex').toString('latin1'));
    views.add(Buffer.from(run.slice(1), 'hex').toString('latin1'));
  }
  const needle = secret.toLowerCase();
  const found: string[] = [];
  for (const view of views) {
    const lower = view.toLowerCase();
    if (lower.includes(needle)) found.push(`whole secret in: ${excerpt(view, lower.indexOf(needle))}`);
    // A prefix before an ellipsis or a value's end (a quote, a line's end), or a suffix after one.
    for (let n = secret.length - 1; n >= minChars; n--) {
      const head = needle.slice(0, n);
      const tail = needle.slice(-n);
      const cutHead = new RegExp(`${escape(head)}(?:…|\\.\\.\\.|["'\\n]|$)`).exec(lower);
      const cutTail = new RegExp(`(?:…|\\.\\.\\.|["'\\n]|^)${escape(tail)}`).exec(lower);
      const hit = cutHead ?? cutTail;
      if (hit) {
        found.push(`${n} characters of it at a cut in: ${excerpt(view, hit.index)}`);
        break;
      }
    }
  }
  return found;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function excerpt(text: string, at: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 40), at + 60));
}
