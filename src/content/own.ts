// Marks the elements the extension itself adds to the page, so the watcher can ignore the
// mutations it causes (mounting or remounting the badge host).
export const OWN_ATTR = 'data-intransit';

export function isOwnNode(node: Node): boolean {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  return el !== null && el.closest(`[${OWN_ATTR}]`) !== null;
}
