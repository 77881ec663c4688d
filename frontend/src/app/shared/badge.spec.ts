import { TestBed } from '@angular/core/testing';

import { BadgeComponent, type Tone } from './badge.component';

function render(label: string, tone?: Tone): HTMLElement {
  const fixture = TestBed.createComponent(BadgeComponent);
  fixture.componentRef.setInput('label', label);
  if (tone) fixture.componentRef.setInput('tone', tone);
  fixture.detectChanges();
  return (fixture.nativeElement as HTMLElement).querySelector('span') as HTMLElement;
}

describe('badge', () => {
  it('shows the label in the tone the caller chose', () => {
    const badge = render('SUCCEEDED', 'ok');
    expect(badge.textContent?.trim()).toBe('SUCCEEDED');
    expect(badge.className).toBe('badge tone-ok');
  });

  it('gives a device or connection status its own tone when none is chosen', () => {
    expect(render('online').className).toBe('badge tone-ok');
    expect(render('offline').className).toBe('badge tone-warn');
    expect(render('provisioned').className).toBe('badge tone-info');
    expect(render('decommissioned').className).toBe('badge tone-muted');
    expect(render('something else').className).toBe('badge tone-muted');
  });

  it('lets a chosen tone win over the status tone', () => {
    expect(render('online', 'danger').className).toBe('badge tone-danger');
  });
});
