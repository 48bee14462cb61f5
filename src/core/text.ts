// Text helpers for messages that quote network data.

const TRIM_BEFORE_ELLIPSIS = new Set([' ', '\t', ',', ';', ':', '(']);

/**
 * `text` cut to at most `max` characters at a word boundary, with "…" when anything was cut;
 * never mid-word ("getaddrinfo ENOTFOUN"). A single word longer than a third of `max` is cut hard.
 */
export function capAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, Math.max(1, max - 1));
  const space = room.lastIndexOf(' ');
  let end = space >= max / 3 ? space : room.length;
  while (end > 1 && TRIM_BEFORE_ELLIPSIS.has(room[end - 1] as string)) end--;
  return `${room.slice(0, end)}…`;
}
