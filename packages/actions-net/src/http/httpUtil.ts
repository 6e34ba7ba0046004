/** A URL fit for messages and outputs: user:password@ taken out. */
export function safeUrl(url: URL | string): string {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
