import { Injectable, type OnDestroy } from '@angular/core';
import { type Observable, Subject, filter, map } from 'rxjs';

/** Every event modules exchange, by type, with its payload. Add new ones here. */
export interface AppEvents {
  'device.selected': { deviceId: string };
  'alarm.acked': { alarmId: string };
  'tab.closed': { url: string };
  'session.expired': Record<string, never>;
}

export type AppEventType = keyof AppEvents;

export interface AppEvent<K extends AppEventType = AppEventType> {
  readonly type: K;
  readonly payload: AppEvents[K];
}

/** Publish/subscribe between modules (RxJS); subscribers see only what is published after they subscribe. */
@Injectable({ providedIn: 'root' })
export class EventBus implements OnDestroy {
  private readonly events = new Subject<AppEvent>();

  /** Every event, for logging or debugging. */
  readonly all$: Observable<AppEvent> = this.events.asObservable();

  publish<K extends AppEventType>(type: K, payload: AppEvents[K]): void {
    this.events.next({ type, payload } as AppEvent);
  }

  on<K extends AppEventType>(type: K): Observable<AppEvents[K]> {
    return this.events.pipe(
      filter((event): event is AppEvent<K> => event.type === type),
      map((event) => event.payload),
    );
  }

  ngOnDestroy(): void {
    this.events.complete();
  }
}
