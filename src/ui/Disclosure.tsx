// A button that shows and hides a region: aria-expanded + aria-controls (WAI-ARIA APG
// "Disclosure" pattern), keyboard usable because it is a real <button>. `name` gives the button
// an accessible name of its own when the visible label alone is ambiguous ("Details" for which
// recipient?); it starts with the visible label (WCAG 2.5.3 "Label in Name").
import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';

export function Disclosure({ label, name, children, initiallyOpen = false }: {
  label: string;
  name?: string;
  children: ComponentChildren;
  initiallyOpen?: boolean;
}) {
  const [open, setOpen] = useState(initiallyOpen);
  const id = useId();
  return (
    <div class="disclosure">
      <button type="button" class="link disclosure-button" aria-expanded={open} aria-controls={id} aria-label={name} onClick={() => setOpen(!open)}>
        <span class="caret" aria-hidden="true" />
        <span class="label">{label}</span>
      </button>
      <div id={id} hidden={!open}>
        {open ? children : null}
      </div>
    </div>
  );
}
