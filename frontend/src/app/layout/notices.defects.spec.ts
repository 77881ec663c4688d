import { TestBed } from '@angular/core/testing';

import { NotificationService } from '../core/errors/notification.service';
import { NoticesComponent } from './notices.component';

function render() {
  const fixture = TestBed.createComponent(NoticesComponent);
  const notices = TestBed.inject(NotificationService);
  notices.info('Rollout running', 'Offers start again.');
  fixture.detectChanges();
  return { fixture, notices, el: fixture.nativeElement as HTMLElement };
}

describe('a notice and its dismiss button', () => {
  it('lays the button out beside the text, named for what it does', () => {
    const { fixture, el } = render();
    const notice = el.querySelector('.notice') as HTMLElement;
    const [text, button] = [...notice.children] as HTMLElement[];
    expect(text.querySelector('strong')?.textContent).toBe('Rollout running');
    expect(text.querySelector('p')?.textContent).toBe('Offers start again.');
    expect(text.contains(notice.querySelector('button'))).toBe(false);
    expect(button.tagName).toBe('BUTTON');
    expect(button.getAttribute('aria-label')).toBe('Dismiss notice');
    expect(getComputedStyle(notice).display).toBe('flex');
    expect(getComputedStyle(button).position).not.toBe('absolute');
    fixture.destroy();
  });

  it('dismisses the notice it sits in', () => {
    const { fixture, el, notices } = render();
    (el.querySelector('button[aria-label="Dismiss notice"]') as HTMLButtonElement).click();
    fixture.detectChanges();
    expect(notices.notices()).toEqual([]);
    expect(el.querySelector('.notice')).toBeNull();
    fixture.destroy();
  });

  it('keeps the notices to the navigation’s column, away from the work area’s tables', () => {
    const { fixture, el } = render();
    const area = getComputedStyle(el.querySelector('.notices') as HTMLElement);
    expect(area.position).toBe('fixed');
    expect(area.left).toBe('0.5rem');
    expect(area.width).toBe('12rem');
    fixture.destroy();
  });
});
