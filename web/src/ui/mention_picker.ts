// The composer's `@name` autocomplete: typing `@` and the start of a name lists the members of
// the open conversation whose names start so (not me); Up/Down choose, Enter or Tab takes one
// (the field gets `@name `), Escape closes; a click takes one too. The list is a listbox the
// field points at (aria-controls, aria-activedescendant), so a screen reader follows the choice.
import type { ConvView } from "../state/conversation";
import type { ViewContext } from "./context";
import { $, h, show } from "./dom";

const MAX_SHOWN = 8;
/** `@` and a name being typed, at the caret (after the start or a space). */
const AT_CARET = /(^|\s)@([A-Za-z0-9_.-]{0,64})$/;

/** The members of `c` a word `@prefix` could mean, best first (a name matching the prefix's case
 * first, then alphabetical). */
export function mentionCandidates(c: ConvView, me: string, prefix: string): string[] {
  const p = prefix.toLowerCase();
  return [...c.members.keys()]
    .filter((u) => u !== me && u.toLowerCase().startsWith(p))
    .sort((a, b) => Number(!b.startsWith(prefix)) - Number(!a.startsWith(prefix)) || a.localeCompare(b))
    .slice(0, MAX_SHOWN);
}

export class MentionPicker {
  private names: string[] = [];
  private at = 0;
  private start = -1; // index of the `@` in the field

  constructor(
    private v: ViewContext,
    private input: () => HTMLTextAreaElement,
    private label: (user: string) => Node[] = (u) => [document.createTextNode(u)],
  ) {}

  get open(): boolean {
    return this.names.length > 0;
  }

  bind(): void {
    const list = $("mention-list");
    this.v.on(list, "mousedown", (e) => {
      const opt = (e.target as HTMLElement).closest<HTMLElement>("[data-user]");
      if (!opt) return;
      e.preventDefault(); // the field keeps the focus
      this.take(opt.dataset.user ?? "");
    });
    this.v.on(this.input(), "blur", () => this.close());
  }

  /** The field's text or caret changed: lists the candidates, or closes. */
  update(): void {
    const c = this.v.s.openConv();
    const input = this.input();
    const before = input.value.slice(0, input.selectionStart ?? input.value.length);
    const m = c ? AT_CARET.exec(before) : null;
    if (!c || !m || input.selectionStart !== input.selectionEnd) return this.close();
    this.start = before.length - m[2].length - 1;
    const names = mentionCandidates(c, this.v.s.me, m[2]);
    if (names.join() !== this.names.join()) this.at = 0;
    this.names = names;
    this.render();
  }

  /** A key in the field: true if the picker used it (the composer does nothing more). */
  key(e: KeyboardEvent): boolean {
    if (!this.open || e.isComposing) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const n = this.names.length;
      this.at = (this.at + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
      this.render();
    } else if (e.key === "Enter" || e.key === "Tab") {
      this.take(this.names[this.at]);
    } else if (e.key === "Escape") {
      this.close();
    } else {
      return false;
    }
    e.preventDefault();
    return true;
  }

  close(): void {
    if (!this.names.length && this.start < 0) return;
    this.names = [];
    this.start = -1;
    this.render();
  }

  private take(user: string): void {
    const input = this.input();
    if (!user || this.start < 0) return this.close();
    const end = input.selectionStart ?? input.value.length;
    const text = `@${user} `;
    input.value = input.value.slice(0, this.start) + text + input.value.slice(end);
    const caret = this.start + text.length;
    input.setSelectionRange(caret, caret);
    this.close();
    input.dispatchEvent(new Event("input")); // the composer's count, size and typing
  }

  private render(): void {
    const list = $("mention-list");
    const input = this.input();
    list.replaceChildren(
      ...this.names.map((u, i) =>
        h(
          "li",
          {
            id: `mention-opt-${i}`,
            role: "option",
            class: `mention-opt${i === this.at ? " active" : ""}`,
            "aria-selected": String(i === this.at),
            "data-user": u,
          },
          ...this.label(u),
        ),
      ),
    );
    show(list, this.open);
    if (this.open) input.setAttribute("aria-activedescendant", `mention-opt-${this.at}`);
    else input.removeAttribute("aria-activedescendant");
  }
}
