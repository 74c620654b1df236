// The drawing as a standalone SVG file (what "Export SVG" downloads, and what
// scripts/console-pictures.sh saves into docs/): the topology with its trace overlay,
// styled by the same topology.css the page uses, with an optional caption.

import { SVG_NS } from './ui.js';

let style = null;

async function topologyCss() {
  if (style === null) {
    const res = await fetch('/console/topology.css');
    style = res.ok ? await res.text() : '';
  }
  return style;
}

/**
 * Serialises `svg`. `box` is the part to export (`{x, y, w, h}`, default: all of it);
 * `caption` lines are written above the drawing.
 */
export async function exportSvg(svg, { box, caption = [] } = {}) {
  const copy = svg.cloneNode(true);
  const whole = box ?? svg.getBBox();
  const pad = 20;
  const top = caption.length ? caption.length * 20 + 16 : 0;
  const x = whole.x - pad;
  const y = whole.y - pad - top;
  const w = whole.width ?? whole.w;
  const hgt = whole.height ?? whole.h;
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('viewBox', `${x} ${y} ${w + 2 * pad} ${hgt + 2 * pad + top}`);
  copy.setAttribute('width', String(Math.round(w + 2 * pad)));
  copy.setAttribute('height', String(Math.round(hgt + 2 * pad + top)));
  copy.removeAttribute('tabindex');
  copy.removeAttribute('class');
  for (const el of copy.querySelectorAll('[tabindex]')) el.removeAttribute('tabindex');
  const styleEl = document.createElementNS(SVG_NS, 'style');
  styleEl.textContent = await topologyCss();
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('class', 'background');
  bg.setAttribute('x', x);
  bg.setAttribute('y', y);
  bg.setAttribute('width', w + 2 * pad);
  bg.setAttribute('height', hgt + 2 * pad + top);
  copy.prepend(styleEl, bg);
  caption.forEach((line, i) => {
    const t = document.createElementNS(SVG_NS, 'text');
    t.setAttribute('class', i === 0 ? 'caption caption-head' : 'caption');
    t.setAttribute('x', whole.x);
    t.setAttribute('y', y + pad + 14 + i * 20);
    t.textContent = line;
    copy.append(t);
  });
  return new XMLSerializer().serializeToString(copy);
}

/** Offers `text` as a file download. */
export function download(name, text, type = 'image/svg+xml') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
