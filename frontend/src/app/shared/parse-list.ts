/** `a, b;c  d` → `['a', 'b', 'c', 'd']`: ids, groups or tags typed in one field (commas,
 * semicolons, spaces or new lines between them), each once, in the order typed. */
export function parseList(text: string | null | undefined): string[] {
  return [...new Set((text ?? '').split(/[\s,;]+/).filter(Boolean))];
}
