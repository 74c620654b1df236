// Zoom and pan of the topology: the SVG's viewBox follows the wheel, a drag on the
// background, the buttons, and the keyboard (+ - 0 and the arrow keys when the drawing
// has focus).

export class Viewport {
  constructor(svg, onChange = () => {}) {
    this.svg = svg;
    this.onChange = onChange;
    this.box = { x: 0, y: 0, w: 1000, h: 700 };
    this.content = { w: 1000, h: 700 };
    svg.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    svg.addEventListener('pointerdown', (e) => this.down(e));
    svg.addEventListener('pointermove', (e) => this.move(e));
    svg.addEventListener('pointerup', (e) => this.up(e));
    svg.addEventListener('pointercancel', (e) => this.up(e));
    svg.addEventListener('keydown', (e) => this.key(e));
  }

  size() {
    const r = this.svg.getBoundingClientRect();
    return { w: Math.max(1, r.width), h: Math.max(1, r.height) };
  }

  apply() {
    const { x, y, w, h } = this.box;
    this.svg.setAttribute('viewBox', `${x} ${y} ${w} ${h}`);
    this.onChange(this.box);
  }

  /** Pixels of screen per unit of drawing. */
  scale() {
    return this.size().w / this.box.w;
  }

  setContent(w, h) {
    this.content = { w, h };
  }

  /** Shows the whole drawing (no closer than 1:1). */
  fit() {
    const { w: sw, h: sh } = this.size();
    const scale = Math.min(sw / this.content.w, sh / this.content.h, 1);
    const w = sw / scale;
    const h = sh / scale;
    this.box = { x: (this.content.w - w) / 2, y: (this.content.h - h) / 2, w, h };
    this.apply();
  }

  /** Centres a rectangle of the drawing, at `scale` (default: readable, 1:1). */
  show(rect, scale = 1) {
    const { w: sw, h: sh } = this.size();
    const s = Math.min(scale, sw / (rect.w + 80), sh / (rect.h + 80), 2);
    const w = sw / Math.max(s, 0.15);
    const h = sh / Math.max(s, 0.15);
    this.box = { x: rect.x + rect.w / 2 - w / 2, y: rect.y + rect.h / 2 - h / 2, w, h };
    this.apply();
  }

  zoom(factor, cx, cy) {
    const b = this.box;
    const px = cx ?? b.x + b.w / 2;
    const py = cy ?? b.y + b.h / 2;
    const limit = Math.max(this.content.w, this.content.h) * 4;
    const w = Math.min(Math.max(b.w / factor, 120), limit);
    const h = (b.h * w) / b.w;
    this.box = { x: px - ((px - b.x) * w) / b.w, y: py - ((py - b.y) * h) / b.h, w, h };
    this.apply();
  }

  pan(dx, dy) {
    this.box = { ...this.box, x: this.box.x + dx, y: this.box.y + dy };
    this.apply();
  }

  point(e) {
    const r = this.svg.getBoundingClientRect();
    return [this.box.x + ((e.clientX - r.left) / r.width) * this.box.w, this.box.y + ((e.clientY - r.top) / r.height) * this.box.h];
  }

  wheel(e) {
    e.preventDefault();
    const [x, y] = this.point(e);
    this.zoom(Math.exp(-e.deltaY * 0.0015), x, y);
  }

  down(e) {
    if (e.button !== 0 || e.target.closest('[data-id]')) return;
    this.drag = { x: e.clientX, y: e.clientY, box: { ...this.box }, id: e.pointerId };
    this.svg.setPointerCapture(e.pointerId);
    this.svg.classList.add('dragging');
  }

  move(e) {
    if (!this.drag || e.pointerId !== this.drag.id) return;
    const s = this.box.w / this.size().w;
    this.box = { ...this.drag.box, x: this.drag.box.x - (e.clientX - this.drag.x) * s, y: this.drag.box.y - (e.clientY - this.drag.y) * s };
    this.apply();
  }

  up(e) {
    if (!this.drag || e.pointerId !== this.drag.id) return;
    this.drag = null;
    this.svg.classList.remove('dragging');
  }

  key(e) {
    if (e.target !== this.svg) return;
    const step = this.box.w / 8;
    const actions = {
      '+': () => this.zoom(1.25),
      '=': () => this.zoom(1.25),
      '-': () => this.zoom(0.8),
      0: () => this.fit(),
      ArrowLeft: () => this.pan(-step, 0),
      ArrowRight: () => this.pan(step, 0),
      ArrowUp: () => this.pan(0, -step),
      ArrowDown: () => this.pan(0, step),
    };
    const act = actions[e.key];
    if (act) {
      e.preventDefault();
      act();
    }
  }
}
