/**
 * Element construction for the webview. Text from traces (span names, field values, paths) only
 * ever enters the page as text nodes or attribute values, never as markup.
 */

type Child = Node | string | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; title?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.title !== undefined) el.title = props.title;
  if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) el.setAttribute(k, v);
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export interface SortState<K extends string> {
  column: K;
  descending: boolean;
}

/**
 * A column header that sorts its table: a button showing the direction (`aria-sort` for screen
 * readers). A click on the active column flips it; on another column, `firstDescending` decides.
 */
export function sortableHeader<K extends string>(
  column: { key: K; label: string; title: string; numeric: boolean },
  sort: SortState<K>,
  firstDescending: boolean,
  onSort: (next: SortState<K>) => void,
): HTMLTableCellElement {
  const active = sort.column === column.key;
  const th = h('th', {
    className: column.numeric ? 'num' : '',
    attrs: { scope: 'col', 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none' },
  });
  const button = h('button', { title: `${column.title}. Click to sort.` }, column.label, active ? (sort.descending ? ' ▼' : ' ▲') : '');
  button.addEventListener('click', () =>
    onSort(active ? { column: column.key, descending: !sort.descending } : { column: column.key, descending: firstDescending }),
  );
  th.appendChild(button);
  return th;
}

/** Coalesces redraw requests: however many come before the next animation frame, it draws once. */
export class FrameRequest {
  private requested = false;
  constructor(private readonly draw: () => void) {}
  request(): void {
    if (this.requested) return;
    this.requested = true;
    requestAnimationFrame(() => {
      this.requested = false;
      this.draw();
    });
  }
}
