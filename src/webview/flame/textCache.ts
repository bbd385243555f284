/**
 * Label fitting with every string measured once: widths are cached per string index, and a
 * truncated label is reused while the space it must fit stays the same.
 */
export class LabelCache {
  private widths: Float32Array;
  private truncChars: Int32Array;
  private truncText: Array<string | undefined>;
  private ellipsisWidth = -1;
  private font = '';

  constructor(private readonly strings: readonly string[]) {
    this.widths = new Float32Array(strings.length).fill(-1);
    this.truncChars = new Int32Array(strings.length).fill(-1);
    this.truncText = new Array(strings.length);
  }

  /** Forget measurements when the font changes. */
  setFont(font: string): void {
    if (font === this.font) return;
    this.font = font;
    this.widths.fill(-1);
    this.truncChars.fill(-1);
    this.truncText = new Array(this.strings.length);
    this.ellipsisWidth = -1;
  }

  width(ctx: CanvasRenderingContext2D, s: number): number {
    let w = this.widths[s];
    if (w < 0) {
      w = ctx.measureText(this.strings[s]).width;
      this.widths[s] = w;
    }
    return w;
  }

  /**
   * The label that fits `space` CSS pixels: the whole name, a prefix with an ellipsis, or
   * undefined when not even a few characters fit.
   */
  fit(ctx: CanvasRenderingContext2D, s: number, space: number): string | undefined {
    const text = this.strings[s];
    if (text.length === 0) return undefined;
    const w = this.width(ctx, s);
    if (w <= space) return text;
    if (this.ellipsisWidth < 0) this.ellipsisWidth = ctx.measureText('…').width;
    const perChar = w / text.length;
    const chars = Math.floor((space - this.ellipsisWidth) / perChar);
    if (chars < 3) return undefined;
    if (this.truncChars[s] === chars) return this.truncText[s];
    const label = `${text.slice(0, chars)}…`;
    this.truncChars[s] = chars;
    this.truncText[s] = label;
    return label;
  }
}
