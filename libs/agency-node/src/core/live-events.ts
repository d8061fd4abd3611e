import { Injectable } from '@nestjs/common';
import { Subject, filter, map } from 'rxjs';
import type { Observable } from 'rxjs';

export interface LiveEvent {
  type: 'message' | 'status' | 'draft' | 'notification';
  id: string;
  box: 'inbox' | 'outbox' | 'drafts' | 'notifications';
}

/** In-process fan-out of changes to the duty desks of a unit (served as server-sent events). */
@Injectable()
export class LiveEvents {
  private readonly subject = new Subject<{ unitId: string; event: LiveEvent }>();

  emit(unitId: string, event: LiveEvent): void {
    this.subject.next({ unitId, event });
  }

  forUnit(unitId: string): Observable<{ data: LiveEvent }> {
    return this.subject.pipe(
      filter((e) => e.unitId === unitId),
      map((e) => ({ data: e.event })),
    );
  }
}
