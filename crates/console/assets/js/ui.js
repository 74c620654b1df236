// Small DOM helpers: elements from data, text always as text (never as markup).

export const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An HTML element: `h('button', { class: 'x', onclick }, 'text', child)`. */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces `el`'s children (null, undefined and false are left out). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Text cut to about `width` pixels at `perChar` pixels a character. */
export function fit(text, width, perChar) {
  const max = Math.max(3, Math.floor(width / perChar));
  const t = String(text ?? '');
  return t.length <= max ? t : t.slice(0, max - 1) + '…';
}

/** A definition list of [term, value] rows (values may be nodes). */
export function facts(rows) {
  return h(
    'dl',
    { class: 'facts' },
    rows.filter((r) => r && r[1] !== undefined && r[1] !== null && r[1] !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/** A table with a caption, header cells and rows of cells (strings or nodes). */
export function table(caption, head, rows, attrs = {}) {
  return h(
    'table',
    { class: 'grid', ...attrs },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      rows.map((r) => (r instanceof Node ? r : h('tr', {}, r.map((c) => h('td', {}, c))))),
    ),
  );
}
