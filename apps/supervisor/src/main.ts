// The supervisor ledger: consumes every node's audit events and serves the supervisors' compliance
// API and the scheduler's request/reply methods. Everything lives in this app's src/; main only
// hands it the environment.
import { runSupervisor } from './bootstrap';

void runSupervisor(process.env);
