// Build step (vite.config.ts): the selector tables of src/content/<webmail>/selectors.ts keep,
// next to each selector, where it was seen (`source`) and when (`era`). That is documentation:
// the content script never reads either, yet as object properties they would ship in every
// content script — well over a kilobyte of its 12 KB gzip budget (DESIGN.md). This drops them from
// the built content scripts; the source files keep them.
//
// It works on the minified output, because crxjs builds each content script in a sub-build that
// runs no plugin of ours. So it is strict: a note it cannot drop (`era:` or `source:` left in the
// code), or code that no longer parses, fails the build. Pure, so the unit tests feed it text.
import { Script } from 'node:vm';

// `,era:…` / `,source:…` with a string literal value (minifiers write ', " or `, never ${} here).
const NOTE = /,(?:era|source):(?:'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\$])*`)/g;

/** The built script without the selectors' notes; throws when a note is left or the result does not parse. */
export function stripSelectorNotes(code: string, file = 'content script'): string {
  const out = code.replace(NOTE, '');
  const left = /[{,](?:era|source):/.exec(out);
  if (left) throw new Error(`${file}: a selector note the build cannot drop is left at ${left.index}: ${out.slice(left.index, left.index + 60)}`);
  try {
    new Script(out, { filename: file });
  } catch (error) {
    throw new Error(`${file}: no longer parses once the selector notes are dropped`, { cause: error });
  }
  return out;
}
