// Selectors as data (one list of alternatives per role, newest era first, each with where it
// was seen), shared by the webmail folders. A breakage should be a one-line change in a
// <webmail>/selectors.ts file, never a hunt through logic.

export interface SelectorAlt<Era extends string = string> {
  /** A CSS selector, always used scoped to the element named by the role. */
  readonly selector: string;
  /** When the webmail used it ('any' when it spans every era seen). */
  readonly era: Era | 'any';
  /** Where this selector comes from (repository : file, issue, or the vendor's own test ids). */
  readonly source: string;
}

/** One selector string matching any alternative (order does not matter to querySelectorAll). */
export function anyOf(alts: readonly SelectorAlt[]): string {
  return alts.map((a) => a.selector).join(', ');
}

/** The element a node is or sits in. */
export function elementOf(node: Node): Element | null {
  return node.nodeType === 1 ? (node as Element) : node.parentElement;
}

/** Keeps the outermost of nested candidates, so one compose is never counted twice. */
export function outermost(found: readonly Element[]): Element[] {
  return found.filter((el) => !found.some((other) => other !== el && other.contains(el)));
}
