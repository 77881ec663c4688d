import { TestBed } from '@angular/core/testing';

import { ConfirmDialogComponent } from './confirm-dialog.component';

async function open() {
  const fixture = TestBed.createComponent(ConfirmDialogComponent);
  await fixture.whenStable();
  const answer = fixture.componentInstance.ask({ title: 'Cancel this rollout?', detail: 'No new offers.', action: 'Cancel rollout', danger: true });
  fixture.detectChanges();
  const el = fixture.nativeElement as HTMLElement;
  const button = (label: string) => [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === label) as HTMLButtonElement;
  return { fixture, answer, el, button };
}

describe('confirm dialog', () => {
  it('asks with the action named and answers true when confirmed', async () => {
    const { answer, el, button, fixture } = await open();
    expect(el.querySelector('dialog')?.hasAttribute('open')).toBe(true);
    expect(el.querySelector('h2')?.textContent).toBe('Cancel this rollout?');
    button('Cancel rollout').click();
    expect(await answer).toBe(true);
    fixture.detectChanges();
    expect(el.querySelector('h2')).toBeNull();
  });

  it('answers false when the user keeps it', async () => {
    const { answer, button } = await open();
    button('Keep it').click();
    expect(await answer).toBe(false);
  });
});
