import { SEMVER, curlCommand, safeFileName, signedHeaders } from './upload';

describe('firmware upload', () => {
  it('makes a file name the ticket accepts', () => {
    expect(safeFileName('pump v2 (final).bin')).toBe('pump-v2-final-.bin');
    expect(safeFileName('..hidden.bin')).toBe('hidden.bin');
    expect(safeFileName('???')).toBe('firmware.bin');
    expect(safeFileName('a'.repeat(200))).toHaveLength(128);
  });

  it('sends the metadata headers the URL signed, and only those', () => {
    const url = 'http://127.0.0.1:4566/b/k?X-Amz-SignedHeaders=host%3Bx-amz-meta-min-version&X-Amz-Signature=x';
    expect(signedHeaders(url, { 'min-version': '1.2.0' })).toEqual({ 'x-amz-meta-min-version': '1.2.0' });
    expect(signedHeaders('http://h/k?X-Amz-SignedHeaders=host', { 'min-version': '1.2.0' })).toEqual({});
  });

  it('writes the shell command for the same upload', () => {
    expect(curlCommand("http://h/k?a=1&b='", 'pump.bin', { 'x-amz-meta-min-version': '1.2.0' })).toBe(
      "curl --fail -X PUT -H 'x-amz-meta-min-version: 1.2.0' --upload-file 'pump.bin' 'http://h/k?a=1&b='\\'''",
    );
  });

  it('knows a semantic version', () => {
    expect(SEMVER.test('1.3.0')).toBe(true);
    expect(SEMVER.test('1.3.0-rc.1+build.5')).toBe(true);
    expect(SEMVER.test('v1.3')).toBe(false);
  });
});
