import { ChangeDetectionStrategy, Component, type ElementRef, signal, viewChild } from '@angular/core';

export interface Confirmation {
  readonly title: string;
  readonly detail: string;
  /** The confirming button's text: the action itself ("Decommission"), never "OK". */
  readonly action: string;
  readonly danger?: boolean;
}

let nextId = 0;

/**
 * A modal question before an action that cannot be taken back: `await dialog.ask({...})` is
 * true when confirmed. A native `<dialog>`: focus moves into it and Escape cancels.
 */
@Component({
  selector: 'app-confirm-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog #dialog [attr.aria-labelledby]="id + '-title'" [attr.aria-describedby]="id + '-detail'" (close)="closed()">
      @if (question(); as q) {
        <h2 [id]="id + '-title'">{{ q.title }}</h2>
        <p [id]="id + '-detail'">{{ q.detail }}</p>
        <div class="actions">
          <button type="button" (click)="answer(false)" autofocus>Keep it</button>
          <button type="button" [class]="q.danger ? 'danger' : 'primary'" (click)="answer(true)">{{ q.action }}</button>
        </div>
      }
    </dialog>
  `,
  styles: `
    dialog { border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; max-width: 28rem; box-shadow: 0 10px 30px rgba(0,0,0,.2); }
    h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
    p { margin: 0; }
    dialog::backdrop { background: rgba(17, 24, 39, 0.45); }
    .actions { display: flex; justify-content: flex-end; gap: 0.5rem; margin-top: 1rem; }
    .danger { background: #b91c1c; border-color: #b91c1c; color: #fff; font-weight: 600; }
  `,
})
export class ConfirmDialogComponent {
  protected readonly id = `confirm-${nextId++}`;
  protected readonly question = signal<Confirmation | null>(null);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private resolve: ((yes: boolean) => void) | null = null;
  private confirmed = false;

  ask(question: Confirmation): Promise<boolean> {
    this.resolve?.(false);
    this.question.set(question);
    this.confirmed = false;
    const dialog = this.dialog().nativeElement;
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else dialog.setAttribute('open', '');
    return new Promise((resolve) => (this.resolve = resolve));
  }

  protected answer(yes: boolean): void {
    this.confirmed = yes;
    const dialog = this.dialog().nativeElement;
    if (typeof dialog.close === 'function' && dialog.open) dialog.close();
    else dialog.removeAttribute('open');
    this.closed();
  }

  protected closed(): void {
    const resolve = this.resolve;
    this.resolve = null;
    this.question.set(null);
    resolve?.(this.confirmed);
  }
}
