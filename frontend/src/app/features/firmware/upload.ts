/** The image's file name as the upload ticket takes it (letters, digits, `_ . + -`; 128 at most). */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.+-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned.slice(0, 128) || 'firmware.bin';
}

/** The headers a presigned PUT URL signed besides `host`, which the upload must send as they were. */
export function signedHeaders(url: string, metadata: Record<string, string>): Record<string, string> {
  const names = (new URL(url).searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    const header = `x-amz-meta-${key}`;
    if (names.includes(header)) headers[header] = value;
  }
  return headers;
}

/** The same upload from a shell, for when the browser may not reach the bucket (CORS). */
export function curlCommand(url: string, fileName: string, headers: Record<string, string>): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const flags = Object.entries(headers).map(([k, v]) => ` -H ${quote(`${k}: ${v}`)}`).join('');
  return `curl --fail -X PUT${flags} --upload-file ${quote(fileName)} ${quote(url)}`;
}

export const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
