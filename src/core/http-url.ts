/** True for an absolute http or https URL with a host: what may be used as an upstream base. */
export function isHttpUrl(value: string): boolean {
  // WHATWG URL forgives 'http:foo', 'http:\\h' and surrounding blanks; a configured base must be spelled out.
  if (!/^https?:\/\/[^\s/\\]/i.test(value) || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
  } catch {
    return false;
  }
}
