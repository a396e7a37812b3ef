import type { KeyboardEvent } from 'react';

/**
 * Enter moves to the next field, as in the Excel sheets officials come from; Enter on the last field submits.
 * Textareas and open dropdowns keep their own Enter.
 */
export function enterToNext(submit: () => void) {
  return (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.ctrlKey || e.altKey) return;
    const t = e.target as HTMLElement;
    if (t.tagName === 'TEXTAREA' || t.tagName === 'BUTTON') return;
    if (t.getAttribute('aria-expanded') === 'true') return;
    const fields = Array.from(
      e.currentTarget.querySelectorAll<HTMLElement>('input:not([type=hidden]):not([disabled]):not([readonly]), textarea:not([disabled])'),
    ).filter((el) => el.offsetParent !== null);
    const i = fields.indexOf(t);
    if (i < 0) return;
    e.preventDefault();
    if (i === fields.length - 1) submit();
    else fields[i + 1]!.focus();
  };
}
