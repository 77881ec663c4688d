import type { ElementRef } from '@angular/core';

/**
 * Calls `read` every `everyMs` while `host` is on screen: attached to the document (a tab in the
 * background is detached by the tab strategy) and the page visible. A read still running is not
 * started again. Returns the function that stops it.
 */
export function pollWhileOnScreen(host: ElementRef<HTMLElement>, everyMs: number, read: () => Promise<unknown>): () => void {
  let reading = false;
  const timer = setInterval(() => {
    const onScreen = host.nativeElement.isConnected && document.visibilityState === 'visible';
    if (!onScreen || reading) return;
    reading = true;
    void read().finally(() => (reading = false));
  }, everyMs);
  return () => clearInterval(timer);
}
