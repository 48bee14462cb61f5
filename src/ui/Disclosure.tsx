// A button that shows and hides a region: aria-expanded + aria-controls (WAI-ARIA APG
// "Disclosure" pattern), keyboard usable because it is a real <button>.
import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';

export function Disclosure({ label, children, initiallyOpen = false }: { label: string; children: ComponentChildren; initiallyOpen?: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const id = useId();
  return (
    <div class="disclosure">
      <button type="button" class="link disclosure-button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {label}
      </button>
      <div id={id} hidden={!open}>
        {open ? children : null}
      </div>
    </div>
  );
}
