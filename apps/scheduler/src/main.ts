// The scheduler: BullMQ workers for the reporting windows of clause 5 (drafts, reminders, MISSING)
// and the escalation of unconfirmed urgent reports. Everything is in bootstrap.ts.
import { runScheduler } from './bootstrap';

void runScheduler(process.env);
