/**
 * The one place secrets are hidden from text a person or a log will see. Driver messages
 * can echo connection strings (pg's "password authentication failed", a bad URI in
 * mysql2), so any `user:password@` in a URL is masked as well as every known secret, raw
 * and URL-encoded, longest first so a secret containing another is masked whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1***@');
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s === '') continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  for (const s of [...forms].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}
