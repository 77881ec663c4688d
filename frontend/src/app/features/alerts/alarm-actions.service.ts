import { Injectable, inject } from '@angular/core';

import { ApiClient, call } from '../../core/api/api-client';
import { NotificationService } from '../../core/errors/notification.service';
import { EventBus } from '../../core/events/event-bus';
import { ApiError } from '../../core/api/problem';
import type { Alarm } from './alarms';

/** What people do to an alarm (acknowledge, clear, assign, comment); a refusal is shown as a notice. */
@Injectable({ providedIn: 'root' })
export class AlarmActionsService {
  private readonly client = inject(ApiClient);
  private readonly notices = inject(NotificationService);
  private readonly bus = inject(EventBus);

  async acknowledge(alarmId: string): Promise<Alarm | null> {
    const alarm = await this.run(() => call(this.client.api.POST('/v1/alarms/{alarm_id}/ack', { params: { path: { alarm_id: alarmId } } })));
    if (alarm) this.bus.publish('alarm.acked', { alarmId });
    return alarm;
  }

  clear(alarmId: string): Promise<Alarm | null> {
    return this.run(() => call(this.client.api.POST('/v1/alarms/{alarm_id}/clear', { params: { path: { alarm_id: alarmId } } })));
  }

  assign(alarmId: string, assignee: string | null): Promise<Alarm | null> {
    return this.run(() =>
      call(this.client.api.POST('/v1/alarms/{alarm_id}/assign', { params: { path: { alarm_id: alarmId } }, body: { assignee } })),
    );
  }

  comment(alarmId: string, text: string): Promise<Alarm | null> {
    return this.run(() =>
      call(this.client.api.POST('/v1/alarms/{alarm_id}/comments', { params: { path: { alarm_id: alarmId } }, body: { text } })),
    );
  }

  private async run(action: () => Promise<Alarm>): Promise<Alarm | null> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ApiError) this.notices.problem(error.problem);
      else this.notices.error('The action failed', error instanceof Error ? error.message : '');
      return null;
    }
  }
}
