// Agency node of the internal affairs bodies (migration police). One binary, three configurations: the agency node is
// @shekara/agency-node, the same code for every agency (no agency-specific code exists); this app
// only names its agency, which selects its units, keys, database and bus subjects.
import { migrateAgencyNode, runAgencyNode } from '@shekara/agency-node';

// `main.js migrate`: the database's migration step (run before the node starts; docs/database-roles.md).
void (process.argv[2] === 'migrate' ? migrateAgencyNode('interior', process.env) : runAgencyNode('interior', process.env));
