/** The title a tab shows for a path; modules add their own patterns here. */
const TITLES: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^\/devices$/, () => 'Devices'],
  [/^\/devices\/new$/, () => 'Onboard a device'],
  [/^\/devices\/import$/, () => 'Import devices'],
  [/^\/devices\/bulk$/, () => 'Change many devices'],
  [/^\/devices\/([^/]+)$/, (m) => `Device ${decodeURIComponent(m[1])}`],
  [/^\/fleet$/, () => 'Fleet status'],
  [/^\/alerts$/, () => 'Alerts'],
  [/^\/alerts\/alarms\/([^/]+)$/, (m) => `Alarm ${decodeURIComponent(m[1]).slice(0, 8)}`],
  [/^\/alerts\/rules\/new$/, () => 'New rule'],
  [/^\/alerts\/rules\/([^/]+)$/, (m) => `Rule ${decodeURIComponent(m[1])}`],
  [/^\/firmware$/, () => 'Firmware'],
  [/^\/firmware\/upload$/, () => 'Upload firmware'],
  [/^\/firmware\/releases\/([^/]+)$/, (m) => `Release ${decodeURIComponent(m[1])}`],
  [/^\/firmware\/rollouts\/new$/, () => 'Start a rollout'],
  [/^\/firmware\/rollouts\/([^/]+)$/, (m) => `Rollout ${decodeURIComponent(m[1])}`],
  [/^\/analytics$/, () => 'Analytics'],
];

export function tabTitle(path: string): string {
  for (const [pattern, title] of TITLES) {
    const match = pattern.exec(path);
    if (match) return title(match);
  }
  return path.split('/').filter(Boolean).map(decodeURIComponent).join(' / ') || 'Home';
}
