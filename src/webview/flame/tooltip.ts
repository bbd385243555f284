/** The hover tooltip: a span's numbers, fields and counters, built from text nodes only. */
import type { NodeDescription } from './describe';
import { clear, h } from './dom';

const OFFSET = 14;

export class Tooltip {
  readonly element = h('div', { className: 'tooltip', attrs: { role: 'tooltip', hidden: '' } });

  /** What the tooltip shows, so moving over the same span only moves it. */
  private shown: unknown;

  show(key: unknown, describe: () => NodeDescription, clientX: number, clientY: number): void {
    if (key === this.shown && !this.element.hidden) {
      this.place(clientX, clientY);
      return;
    }
    this.shown = key;
    const d = describe();
    const el = this.element;
    clear(el);
    el.appendChild(h('div', { className: 'tt-name' }, d.name));
    const table = h('table', { className: 'tt-rows' });
    for (const [k, v] of d.rows) table.appendChild(h('tr', {}, h('th', {}, k), h('td', {}, v)));
    el.appendChild(table);
    if (d.fields.length > 0) {
      const list = h('div', { className: 'tt-fields' });
      for (const [k, v] of d.fields) list.appendChild(h('div', {}, h('span', { className: 'tt-key' }, `${k}: `), v));
      el.append(h('div', { className: 'tt-heading' }, 'Fields'), list);
    }
    if (d.counters.length > 0) {
      const list = h('div', { className: 'tt-fields' });
      for (const [k, v] of d.counters) list.appendChild(h('div', {}, h('span', { className: 'tt-key' }, `${k}: `), v));
      el.append(h('div', { className: 'tt-heading' }, 'Counters'), list);
    }
    if (d.location) el.appendChild(h('div', { className: 'tt-location' }, d.location));
    el.hidden = false;
    this.place(clientX, clientY);
  }

  /** Keeps the tooltip inside the window: flips left/up near the right/bottom edges. */
  private place(clientX: number, clientY: number): void {
    const el = this.element;
    const w = el.offsetWidth;
    const hgt = el.offsetHeight;
    let x = clientX + OFFSET;
    let y = clientY + OFFSET;
    if (x + w > window.innerWidth - 4) x = Math.max(4, clientX - OFFSET - w);
    if (y + hgt > window.innerHeight - 4) y = Math.max(4, clientY - OFFSET - hgt);
    el.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  }

  hide(): void {
    this.shown = undefined;
    this.element.hidden = true;
  }
}
