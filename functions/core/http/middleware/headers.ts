/** Header names are case-insensitive; API Gateway passes them as the client sent them. */
export function normalizeHeaders(
  headers: Record<string, string | undefined> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}
