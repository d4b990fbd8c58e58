// Preact with htm's tagged templates (no JSX, so no compile step beyond the bundle):
// html`<p class="x">${text}</p>`. htm parses the template itself; nothing is evaluated.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
