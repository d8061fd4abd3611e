// The supervisor ledger: consumes every node's audit events and serves the supervisors' compliance
// API and the scheduler's request/reply methods. Everything lives in this app's src/; main only
// hands it the environment.
import { migrateSupervisor, runSupervisor } from './bootstrap';

// `main.js migrate`: the ledger database's migration step (run before the supervisor starts; docs/database-roles.md).
void (process.argv[2] === 'migrate' ? migrateSupervisor(process.env) : runSupervisor(process.env));
